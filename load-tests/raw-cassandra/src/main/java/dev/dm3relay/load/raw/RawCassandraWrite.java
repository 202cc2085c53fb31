package dev.dm3relay.load.raw;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many rows of an envelope's size this Cassandra takes per second when nothing but a driver
 * loop writes them: the same table shape as the relay's envelope_bodies, single-row inserts,
 * {@code inFlight} requests outstanding (256 was the sweet spot on 2 cores, platform.md §2). The
 * relay writes such a row plus a journal event per accepted submit, so its rate can be read
 * against this one.
 *
 * <p>Arguments as key=value: host, port, dc, rowBytes (6063), inFlight (256), warmupSeconds (5),
 * seconds (30), out (JSON result file). Bounded in time: the loop stops at the deadline.
 */
public final class RawCassandraWrite {

  private static final long BUCKET_NANOS = 50_000;
  private static final int BUCKETS = 200_000;

  public static void main(String[] args) throws Exception {
    String host = arg(args, "host", "127.0.0.1");
    int port = Integer.parseInt(arg(args, "port", "9042"));
    String dc = arg(args, "dc", "datacenter1");
    int rowBytes = Integer.parseInt(arg(args, "rowBytes", "6063"));
    int inFlight = Integer.parseInt(arg(args, "inFlight", "256"));
    int warmup = Integer.parseInt(arg(args, "warmupSeconds", "5"));
    int seconds = Integer.parseInt(arg(args, "seconds", "30"));
    String out = arg(args, "out", "target/raw-cassandra.json");

    try (CqlSession session =
        CqlSession.builder().addContactPoint(new InetSocketAddress(host, port)).withLocalDatacenter(dc).build()) {
      session.execute("CREATE KEYSPACE IF NOT EXISTS bench_raw WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
      session.execute(
          "CREATE TABLE IF NOT EXISTS bench_raw.envelope_bodies (mailbox text, body_key text, envelope text, stored_at timestamp,"
              + " PRIMARY KEY ((mailbox, body_key))) WITH compaction = {'class': 'SizeTieredCompactionStrategy'}");
      PreparedStatement insert =
          session.prepare("INSERT INTO bench_raw.envelope_bodies (mailbox, body_key, envelope, stored_at) VALUES (?, ?, ?, ?)");

      // incompressible-ish text, like base64 ciphertext: Cassandra's LZ4 must not shrink it away
      String[] bodies = new String[64];
      Random random = new Random(1);
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      for (int b = 0; b < bodies.length; b++) {
        char[] chars = new char[rowBytes];
        for (int i = 0; i < chars.length; i++) {
          chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        bodies[b] = new String(chars);
      }

      Semaphore permits = new Semaphore(inFlight);
      AtomicLong ok = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicLongArray histogram = new AtomicLongArray(BUCKETS + 1);
      long start = System.nanoTime();
      long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
      long deadline = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
      long okAtMeasureStart = -1;
      String run = Long.toString(System.currentTimeMillis(), 36);
      long i = 0;
      while (System.nanoTime() < deadline) {
        if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        if (okAtMeasureStart < 0 && System.nanoTime() >= measureFrom) {
          okAtMeasureStart = ok.get();
        }
        long sent = System.nanoTime();
        boolean measured = sent >= measureFrom;
        long n = i++;
        session
            .executeAsync(
                insert.bind("mb-" + run + "-" + (n % 1000), "k-" + n, bodies[(int) (n % bodies.length)], Instant.now()).setIdempotent(true))
            .whenComplete(
                (rs, error) -> {
                  permits.release();
                  if (error != null) {
                    failed.incrementAndGet();
                    return;
                  }
                  ok.incrementAndGet();
                  if (measured) {
                    histogram.incrementAndGet((int) Math.min(BUCKETS, (System.nanoTime() - sent) / BUCKET_NANOS));
                  }
                });
      }
      long okAtDeadline = ok.get();
      permits.tryAcquire(inFlight, 30, TimeUnit.SECONDS);
      double rowsPerSecond = (okAtDeadline - Math.max(0, okAtMeasureStart)) / (double) seconds;
      long[] counts = new long[BUCKETS + 1];
      long total = 0;
      for (int b = 0; b <= BUCKETS; b++) {
        counts[b] = histogram.get(b);
        total += counts[b];
      }
      String json =
          String.format(
              "{\"rowsPerSecond\":%.1f,\"rowBytes\":%d,\"inFlight\":%d,\"seconds\":%d,\"failed\":%d,\"p50\":%.2f,\"p95\":%.2f,\"p99\":%.2f,\"measuredRows\":%d}%n",
              rowsPerSecond, rowBytes, inFlight, seconds, failed.get(), pct(counts, total, 50), pct(counts, total, 95), pct(counts, total, 99), total);
      Path file = Path.of(out);
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, json, StandardCharsets.UTF_8);
      System.out.print("[raw] " + json);
    }
  }

  private static double pct(long[] counts, long total, double percent) {
    if (total == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(percent / 100 * total));
    long seen = 0;
    for (int b = 0; b < counts.length; b++) {
      seen += counts[b];
      if (seen >= rank) {
        return (b + 1) * BUCKET_NANOS / 1e6;
      }
    }
    return -1;
  }

  private static String arg(String[] args, String key, String fallback) {
    return Arrays.stream(args).filter(a -> a.startsWith(key + "=")).map(a -> a.substring(key.length() + 1)).findFirst().orElse(fallback);
  }

  private RawCassandraWrite() {}

}
