package dev.dm3relay.protocol.crypto;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * X25519 key pairs generated ahead by a background thread, so that encrypting a postmark costs
 * one agreement instead of two scalar multiplications on the request path. Each key pair is
 * handed out exactly once and the pool keeps no reference to it afterwards. When the pool runs
 * dry, {@link #take()} generates inline rather than wait.
 */
public final class EphemeralKeyPool implements AutoCloseable {

  private final BlockingQueue<KeyPair> ready;
  private final Supplier<KeyPair> generator;
  private final Thread refiller;
  private final AtomicLong misses = new AtomicLong();

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
    this.refiller = new Thread(this::refill, "dm3-ephemeral-keys");
    refiller.setDaemon(true);
    refiller.start();
  }

  /** The next unused key pair; generated on the caller's thread if none is ready. */
  public KeyPair take() {
    KeyPair keyPair = ready.poll();
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
    try {
      while (!Thread.currentThread().isInterrupted()) {
        // put blocks while the pool is full, so the thread idles instead of spinning.
        ready.put(generator.get());
      }
    } catch (InterruptedException closed) {
      Thread.currentThread().interrupt();
    }
  }
}
