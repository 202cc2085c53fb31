package dev.dm3relay.node.metrics;

import dev.dm3relay.node.core.DeliveryMetrics;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery counters shared by every node: each node adds up its submissions in memory and folds
 * them into Cassandra counter columns every few seconds (one write per interval per flush instead
 * of one per message). The interval in progress is never shown, as in the reference (privacy); a
 * crash loses at most one flush period of counts.
 */
public final class CassandraDeliveryMetrics implements DeliveryMetrics, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CassandraDeliveryMetrics.class);
  private static final String SCOPE = "delivery";
  private static final String HEADER = "timestampStart,durationSeconds,messageCount,messageSizeBytes,notificationCount";

  private final CqlSession session;
  private final long intervalSeconds;
  private final long retentionSeconds;
  private final PreparedStatement add;
  private final PreparedStatement select;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final java.util.function.LongSupplier clock;

  private static final class Pending {
    final LongAdder messages = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder notifications = new LongAdder();
  }

  public CassandraDeliveryMetrics(
      CqlSession session, String keyspace, Duration interval, Duration retention, java.util.function.LongSupplier clockMs) {
    this.session = session;
    this.intervalSeconds = Math.max(1, interval.toSeconds());
    this.retentionSeconds = retention.toSeconds();
    this.clock = clockMs;
    this.add =
        session.prepare(
            "UPDATE " + keyspace + ".delivery_metrics SET message_count = message_count + ?,"
                + " message_size_bytes = message_size_bytes + ?,"
                + " notification_count = notification_count + ? WHERE scope = ? AND interval_start = ?");
    this.select =
        session.prepare(
            "SELECT interval_start, message_count, message_size_bytes, notification_count FROM "
                + keyspace + ".delivery_metrics WHERE scope = ? AND interval_start >= ? AND interval_start < ?");
  }

  private boolean enabled() {
    return retentionSeconds > 0;
  }

  private long intervalStart(long nowMs) {
    long nowS = nowMs / 1000;
    return (nowS / intervalSeconds) * intervalSeconds;
  }

  @Override
  public void submitted(int sizeBytes) {
    if (!enabled()) {
      return;
    }
    Pending p = pending.computeIfAbsent(intervalStart(clock.getAsLong()), k -> new Pending());
    p.messages.increment();
    p.bytes.add(sizeBytes);
  }

  @Override
  public void notified() {
    if (enabled()) {
      pending.computeIfAbsent(intervalStart(clock.getAsLong()), k -> new Pending()).notifications.increment();
    }
  }

  /** Writes what was counted since the last flush. Called periodically and at shutdown. */
  public CompletionStage<Void> flush() {
    CompletableFuture<?>[] writes =
        pending.entrySet().stream()
            .map(
                entry -> {
                  long messages = entry.getValue().messages.sumThenReset();
                  long bytes = entry.getValue().bytes.sumThenReset();
                  long notifications = entry.getValue().notifications.sumThenReset();
                  if (messages == 0 && bytes == 0 && notifications == 0) {
                    pending.remove(entry.getKey(), entry.getValue());
                    return CompletableFuture.completedFuture(null);
                  }
                  return session
                      .executeAsync(add.bind(messages, bytes, notifications, SCOPE, entry.getKey()))
                      .toCompletableFuture()
                      .exceptionally(
                          failure -> {
                            // put the counts back so the next flush retries them
                            entry.getValue().messages.add(messages);
                            entry.getValue().bytes.add(bytes);
                            entry.getValue().notifications.add(notifications);
                            log.warn("metrics flush failed: {}", failure.toString());
                            return null;
                          });
                })
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(writes);
  }

  @Override
  public CompletionStage<Optional<String>> csv(long nowMs) {
    if (!enabled()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    long current = intervalStart(nowMs);
    long oldest = current - retentionSeconds;
    return session
        .executeAsync(select.bind(SCOPE, oldest, current))
        .thenApply(
            rows -> {
              StringBuilder csv = new StringBuilder(HEADER).append('\n');
              int count = 0;
              for (Row row : rows.currentPage()) {
                csv.append(row.getLong("interval_start")).append(',')
                    .append(intervalSeconds).append(',')
                    .append(row.getLong("message_count")).append(',')
                    .append(row.getLong("message_size_bytes")).append(',')
                    .append(row.getLong("notification_count")).append('\n');
                count++;
              }
              return count == 0 ? Optional.<String>empty() : Optional.of(csv.toString());
            });
  }

  @Override
  public void close() {
    flush().toCompletableFuture().join();
  }
}
