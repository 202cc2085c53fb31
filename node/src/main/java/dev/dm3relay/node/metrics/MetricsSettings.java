package dev.dm3relay.node.metrics;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The reference's delivery counters, from {@code dm3relay.metrics} (metrics.conf).
 *
 * @param collectionInterval the length of one row of {@code GET /metrics}
 * @param retention how far back rows are kept and shown; zero turns the counters off
 * @param flushInterval how often a node folds its counts into Cassandra
 */
public record MetricsSettings(Duration collectionInterval, Duration retention, Duration flushInterval) {

  public MetricsSettings {
    if (collectionInterval.toSeconds() < 1) {
      throw new IllegalArgumentException("METRICS_COLLECTION_INTERVAL must be at least 1s");
    }
    if (retention.isNegative()) {
      throw new IllegalArgumentException("METRICS_RETENTION must be 0 (off) or more");
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("METRICS_FLUSH_INTERVAL must be positive");
    }
  }

  public static MetricsSettings from(Config root) {
    Config c = root.getConfig("dm3relay.metrics");
    return new MetricsSettings(c.getDuration("collection-interval"), c.getDuration("retention"), c.getDuration("flush-interval"));
  }
}
