package dev.dm3relay.node.store;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where the relay's Cassandra is, read from {@code dm3relay.cassandra} (see cassandra.conf for the
 * environment variables behind each key).
 *
 * @param contactPoints "host:port" of an external cluster; empty means run the embedded Cassandra
 */
public record CassandraSettings(
    List<String> contactPoints,
    String keyspace,
    Replication replication,
    String localDatacenter,
    Optional<String> username,
    Optional<String> password,
    ApplySchema applySchema,
    Path dataDir,
    Optional<Path> serverLib,
    EmbeddedCassandraSettingsWithoutLib embedded,
    java.time.Duration sessionStartTimeout,
    java.time.Duration probeInterval) {

  /** Whether to apply ops/cql/schema.cql at start. AUTO: only to the embedded Cassandra. */
  public enum ApplySchema {
    AUTO,
    ALWAYS,
    NEVER
  }

  /** The embedded server's settings before the jar directory is located (that touches disk). */
  public record EmbeddedCassandraSettingsWithoutLib(
      String host,
      int cqlPort,
      int storagePort,
      String heap,
      java.time.Duration startTimeout,
      java.time.Duration stopTimeout,
      boolean testMode) {}

  public static CassandraSettings from(Config root) {
    Config c = root.getConfig("dm3relay.cassandra");
    List<String> contactPoints =
        Arrays.stream(c.getString("contact-points").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(CassandraSettings::withDefaultPort)
            .toList();
    Config e = c.getConfig("embedded");
    return new CassandraSettings(
        contactPoints,
        c.getString("keyspace"),
        Replication.parse(c.getString("replication")),
        c.getString("local-datacenter"),
        nonEmpty(c.getString("username")),
        nonEmpty(c.getString("password")),
        ApplySchema.valueOf(c.getString("apply-schema").toUpperCase(java.util.Locale.ROOT)),
        Path.of(root.getString("dm3relay.data-dir")).resolve("cassandra"),
        nonEmpty(e.getString("server-lib")).map(Path::of),
        new EmbeddedCassandraSettingsWithoutLib(
            e.getString("host"),
            e.getInt("cql-port"),
            e.getInt("storage-port"),
            e.getString("heap"),
            e.getDuration("start-timeout"),
            e.getDuration("stop-timeout"),
            e.getBoolean("test-mode")),
        c.getDuration("session-start-timeout"),
        c.getDuration("probe-interval"));
  }

  public boolean embeddedWanted() {
    return contactPoints.isEmpty();
  }

  public boolean schemaToApply() {
    return switch (applySchema) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> embeddedWanted();
    };
  }

  /** Locates the server jars and completes the embedded server's settings. */
  public EmbeddedCassandraSettings embeddedServer() {
    return new EmbeddedCassandraSettings(
        dataDir,
        CassandraServerJars.locate(serverLib),
        embedded.host(),
        embedded.cqlPort(),
        embedded.storagePort(),
        embedded.heap(),
        embedded.startTimeout(),
        embedded.stopTimeout(),
        embedded.testMode());
  }

  private static String withDefaultPort(String contactPoint) {
    return contactPoint.contains(":") ? contactPoint : contactPoint + ":9042";
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
  }
}
