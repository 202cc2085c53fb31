package dev.dm3relay.node.ens;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one name lookup may spend on gateways: a few HTTP requests (over every URL, redirect and
 * chained OffchainLookup together) and one deadline. Gateway URLs come from whoever deployed the
 * resolver of a name a sender chose; without a budget one inbound submit could make the relay send
 * 160 requests (4 lookups × 8 URLs × 5 redirects) and wait on each.
 */
final class LookupBudget {

  private final AtomicInteger requestsLeft;
  private final long deadlineNanos;

  LookupBudget(int requests, Duration time) {
    this.requestsLeft = new AtomicInteger(requests);
    this.deadlineNanos = System.nanoTime() + time.toNanos();
  }

  /** Takes one request from the budget; false when none is left. */
  boolean takeRequest() {
    return requestsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  /** Time left until the lookup's deadline (zero or negative once it passed). */
  Duration remaining() {
    return Duration.ofNanos(deadlineNanos - System.nanoTime());
  }
}
