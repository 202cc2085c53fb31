package dev.dm3relay.load;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies Gatling cannot see (submit → Socket.IO push crosses two connections), counted in
 * 50 µs buckets up to 30 s. Lock-free: the WebSocket threads of many listeners record at once.
 */
public final class LatencyHistogram {

  private static final long BUCKET_NANOS = 50_000;
  private static final int BUCKETS = 600_000;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);
  private final LongAdder total = new LongAdder();
  private final LongAdder sumNanos = new LongAdder();

  public void record(long nanos) {
    int bucket = (int) Math.min(BUCKETS, Math.max(0, nanos / BUCKET_NANOS));
    counts.incrementAndGet(bucket);
    total.increment();
    sumNanos.add(nanos);
  }

  public long count() {
    return total.sum();
  }

  public double meanMillis() {
    long n = count();
    return n == 0 ? Double.NaN : sumNanos.sum() / 1e6 / n;
  }

  /** The upper edge of the bucket holding the {@code percent} percentile, in ms; NaN when empty. */
  public double percentileMillis(double percent) {
    long n = count();
    if (n == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(percent / 100.0 * n);
    long seen = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= Math.max(1, rank)) {
        return (i + 1) * BUCKET_NANOS / 1e6;
      }
    }
    return BUCKETS * BUCKET_NANOS / 1e6;
  }
}
