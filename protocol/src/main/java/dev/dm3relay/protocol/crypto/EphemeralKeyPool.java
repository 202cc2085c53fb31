package dev.dm3relay.protocol.crypto;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * X25519 key pairs generated ahead by a background thread, so that encrypting a postmark costs
 * one agreement instead of two scalar multiplications on the request path. Each key pair is
 * handed out exactly once and the pool keeps no reference to it afterwards. When the pool runs
 * dry, {@link #take()} generates inline rather than wait.
 *
 * <p>The refiller sleeps until the pool is down to half and then fills it up again in one go:
 * waking it for every key taken (a blocking {@code put} per key) was one thread switch per
 * submit, and on a virtual machine where a switch is expensive that was over 1 % of the relay's
 * CPU at 500 submits/s.
 */
public final class EphemeralKeyPool implements AutoCloseable {

  private final BlockingQueue<KeyPair> ready;
  private final Supplier<KeyPair> generator;
  private final Thread refiller;
  private final AtomicLong misses = new AtomicLong();
  /** The pool size at or below which a take wakes the refiller. */
  private final int lowWater;
  /** The refiller is parked (or about to park) and needs a wake-up to fill the pool. */
  private final AtomicBoolean refillerAsleep = new AtomicBoolean();

  /** A pool of fresh {@link X25519Kx#generate()} key pairs. */
  public EphemeralKeyPool(int capacity) {
    this(capacity, X25519Kx::generate);
  }

  /** A pool filled from {@code generator}, which must return a new key pair on every call. */
  public EphemeralKeyPool(int capacity, Supplier<KeyPair> generator) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.ready = new ArrayBlockingQueue<>(capacity);
    this.generator = Objects.requireNonNull(generator);
    this.lowWater = capacity / 2;
    this.refiller = new Thread(this::refill, "dm3-ephemeral-keys");
    refiller.setDaemon(true);
    refiller.start();
  }

  /** The next unused key pair; generated on the caller's thread if none is ready. */
  public KeyPair take() {
    KeyPair keyPair = ready.poll();
    // size() takes the queue's lock again: asked only while the refiller sleeps
    if (refillerAsleep.get() && ready.size() <= lowWater && refillerAsleep.compareAndSet(true, false)) {
      LockSupport.unpark(refiller);
    }
    if (keyPair == null) {
      misses.incrementAndGet();
      return generator.get();
    }
    return keyPair;
  }

  /** Key pairs ready now. */
  public int available() {
    return ready.size();
  }

  /** How often {@link #take()} found the pool empty: a sign that it is too small. */
  public long misses() {
    return misses.get();
  }

  /** Stops the refill thread; {@link #take()} keeps working, generating inline. */
  @Override
  public void close() {
    refiller.interrupt();
  }

  private void refill() {
    while (!Thread.currentThread().isInterrupted()) {
      while (ready.remainingCapacity() > 0 && !Thread.currentThread().isInterrupted()) {
        if (!ready.offer(generator.get())) {
          break; // full: only this thread adds
        }
      }
      refillerAsleep.set(true);
      if (ready.size() <= lowWater) {
        // taken down to half while this thread was filling: fill again without sleeping
        refillerAsleep.set(false);
        continue;
      }
      // a take that sees the low-water mark clears the flag and unparks; a permit from an
      // unpark before this park makes it return at once, so no wake-up is lost
      while (refillerAsleep.get() && !Thread.currentThread().isInterrupted()) {
        LockSupport.park(this);
      }
    }
  }
}
