package dev.dm3relay.node.mailbox;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the listings a node streams, in total and per mailbox (see {@link ListingSettings}). */
final class ListingLimits {

  private final ListingSettings settings;
  private final AtomicInteger active = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> byMailbox = new ConcurrentHashMap<>();

  ListingLimits(ListingSettings settings) {
    this.settings = settings;
  }

  /** A slot for one listing of {@code mailbox}, or empty when a limit is reached. */
  Optional<Lease> tryAcquire(String mailbox) {
    if (active.incrementAndGet() > settings.maxConcurrent()) {
      active.decrementAndGet();
      return Optional.empty();
    }
    AtomicInteger forMailbox = byMailbox.compute(mailbox, (k, count) -> {
      AtomicInteger c = count == null ? new AtomicInteger() : count;
      c.incrementAndGet();
      return c;
    });
    if (forMailbox.get() > settings.maxConcurrentPerMailbox()) {
      new Lease(mailbox).release();
      return Optional.empty();
    }
    return Optional.of(new Lease(mailbox));
  }

  int active() {
    return active.get();
  }

  /** One held slot; released once, however often {@link #release} is called. */
  final class Lease {
    private final String mailbox;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();

    private Lease(String mailbox) {
      this.mailbox = mailbox;
    }

    void started() {
      started.set(true);
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        active.decrementAndGet();
        byMailbox.computeIfPresent(mailbox, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
      }
    }

    /** For a listing whose stream was never run (its request went away first). */
    void releaseIfNotStarted() {
      if (!started.get()) {
        release();
      }
    }
  }
}
