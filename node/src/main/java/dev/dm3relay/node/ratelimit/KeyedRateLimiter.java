package dev.dm3relay.node.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * A {@link RateLimit} per key (a client address, a sender name), held in a Caffeine map bounded in
 * size and forgotten once a bucket would be full again anyway. A key pushed out of a full map
 * starts over with a full bucket: the bound is what keeps a flood of distinct keys from growing the
 * heap, and {@code maxKeys} is set far above the keys a node sees within one refill time.
 */
public final class KeyedRateLimiter {

  private final RateLimit limit;
  private final Cache<String, Bucket> buckets;

  public KeyedRateLimiter(RateLimit limit, int maxKeys) {
    this.limit = limit;
    this.buckets =
        limit.off()
            ? null
            : Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(limit.timeToFull()).build();
  }

  public RateLimit limit() {
    return limit;
  }

  /**
   * Takes one token of {@code key}'s bucket.
   *
   * @return 0 when taken; otherwise the whole seconds until one is back (the {@code Retry-After})
   */
  public long acquire(String key) {
    if (buckets == null) {
      return 0;
    }
    ConsumptionProbe probe = buckets.get(key, k -> limit.newBucket()).tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? 0 : retryAfterSeconds(probe.getNanosToWaitForRefill());
  }

  /** Keys held now (for tests of the bound). */
  long trackedKeys() {
    if (buckets == null) {
      return 0;
    }
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  static long retryAfterSeconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }
}
