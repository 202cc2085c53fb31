package dev.dm3relay.node.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * One token-bucket limit: {@code tokens} per {@code period} refilled greedily (a token back every
 * {@code period / tokens}), at most {@code burst} saved up. Zero tokens means no limit.
 */
public record RateLimit(long tokens, Duration period, long burst) {

  public static final RateLimit OFF = new RateLimit(0, Duration.ofSeconds(1), 0);

  public RateLimit {
    if (tokens < 0 || burst < 0) {
      throw new IllegalArgumentException("a rate limit and its burst cannot be negative");
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a rate limit's period must be positive");
    }
    if (tokens > 0 && burst == 0) {
      burst = tokens; // no burst given: one period's worth
    }
  }

  public boolean off() {
    return tokens == 0;
  }

  /** A fresh bucket, full. */
  public Bucket newBucket() {
    return Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(tokens, period).build())
        .build();
  }

  /**
   * How long an untouched bucket takes to be full again: after that it is the same as a fresh one,
   * so a map of buckets may forget it.
   */
  public Duration timeToFull() {
    long nanos = Math.max(1, (long) Math.ceil((double) period.toNanos() * burst / tokens));
    return Duration.ofNanos(nanos).plusSeconds(1);
  }
}
