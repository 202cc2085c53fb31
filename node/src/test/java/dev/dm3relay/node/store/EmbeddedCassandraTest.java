package dev.dm3relay.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.RelayConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedCassandraExtension.class)
class EmbeddedCassandraTest {

  @Test
  void sharedCassandraServesCqlThroughTheDriverWithTheSchemaApplied() {
    EmbeddedCassandra cassandra = EmbeddedCassandraExtension.cassandra();
    System.out.printf(
        "shared embedded Cassandra pid %d reused=%s ready after %d ms%n",
        cassandra.pid(), cassandra.reused(), cassandra.startupTime().toMillis());
    assertTrue(cassandra.isRunning());

    try (CqlSession session = EmbeddedCassandraExtension.storage().openSession(Duration.ofSeconds(10))) {
      Set<String> tables =
          session
              .execute(
                  "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                  EmbeddedCassandraExtension.KEYSPACE)
              .all()
              .stream()
              .map(r -> r.getString("table_name"))
              .collect(Collectors.toSet());
      assertTrue(
          tables.containsAll(
              Set.of("messages", "metadata", "all_persistence_ids", "snapshots", "envelope_bodies")),
          tables.toString());
      assertFalse(tables.contains("tag_views"), "events-by-tag is off: no tag tables");
      // bodies are ciphertext that LZ4 cannot shrink: the table is created uncompressed
      java.util.Map<String, String> compression =
          session
              .execute(
                  "SELECT compression FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'envelope_bodies'",
                  EmbeddedCassandraExtension.KEYSPACE)
              .one()
              .getMap("compression", String.class, String.class);
      assertEquals("false", compression.get("enabled"), compression.toString());

      String key = "probe-" + UUID.randomUUID();
      String ks = EmbeddedCassandraExtension.KEYSPACE;
      session.execute(
          "INSERT INTO " + ks + ".envelope_bodies (mailbox, body_key, envelope, stored_at) "
              + "VALUES (?, ?, ?, toTimestamp(now()))",
          "0xProbe", key, "{\"hello\":1}");
      Row row =
          session
              .execute(
                  "SELECT envelope FROM " + ks + ".envelope_bodies WHERE mailbox = ? AND body_key = ?",
                  "0xProbe", key)
              .one();
      assertEquals("{\"hello\":1}", row.getString("envelope"));
    }
  }

  @Test
  void runningInstanceIsReusedThroughItsPidFileAndStopsWithoutLeavingAProcess() throws Exception {
    Path dataRoot = Path.of("target", "test-data", "lifecycle-" + System.nanoTime());
    EmbeddedCassandraSettings settings =
        CassandraSettings.from(
                RelayConfig.load(EmbeddedCassandraExtension.testCassandraConfig(dataRoot)))
            .embeddedServer();

    EmbeddedCassandra first = EmbeddedCassandra.startOrReuse(settings);
    try {
      assertFalse(first.reused());
      Path pidFile = settings.dataDir().resolve(EmbeddedCassandra.PID_FILE);
      assertEquals(
          String.valueOf(first.pid()), Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
      System.out.printf(
          "fresh embedded Cassandra pid %d answered CQL after %d ms%n",
          first.pid(), first.startupTime().toMillis());

      // A relay restarted on the same data dir adopts the server instead of launching another.
      EmbeddedCassandra second = EmbeddedCassandra.startOrReuse(settings);
      assertTrue(second.reused());
      assertEquals(first.pid(), second.pid());
      assertTrue(second.startupTime().compareTo(Duration.ofSeconds(3)) < 0, "reuse is quick");

      long stopBegan = System.nanoTime();
      second.stop();
      System.out.printf(
          "embedded Cassandra stopped in %d ms%n",
          Duration.ofNanos(System.nanoTime() - stopBegan).toMillis());
      assertFalse(ProcessHandle.of(first.pid()).map(ProcessHandle::isAlive).orElse(false));
      assertFalse(Files.exists(pidFile), "pid file removed");
      assertFalse(CqlPing.answers(settings.host(), settings.cqlPort(), Duration.ofMillis(500)));
      assertTrue(EmbeddedCassandra.runningServer(settings.dataDir()).isEmpty());
    } finally {
      first.stop();
      deleteRecursively(dataRoot);
    }
  }

  private static void deleteRecursively(Path root) throws java.io.IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void aSecondRelayOnTheSameDataDirIsRefusedBeforeItTouchesCassandra() {
    CassandraStorage shared = EmbeddedCassandraExtension.storage();
    long began = System.nanoTime();
    IllegalStateException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> CassandraStorage.start(shared.settings()));
    assertTrue(refused.getMessage().startsWith("Another relay uses"), refused.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - began).toSeconds() < 2, "refused at once");
    assertTrue(EmbeddedCassandraExtension.cassandra().isRunning(), "the owner's Cassandra is untouched");
  }

  @Test
  void pidFileNamingAnotherProcessIsNeverAdopted() throws Exception {
    Path dataDir = Path.of("target", "test-data", "foreign-pid-" + System.nanoTime());
    Files.createDirectories(dataDir);
    // This test JVM is alive but is not a Cassandra of that data dir: it must not be reused or killed.
    Files.writeString(
        dataDir.resolve(EmbeddedCassandra.PID_FILE), ProcessHandle.current().pid() + "\n");
    assertTrue(EmbeddedCassandra.runningServer(dataDir.toAbsolutePath()).isEmpty());

    Files.writeString(dataDir.resolve(EmbeddedCassandra.PID_FILE), "not a pid\n");
    assertTrue(EmbeddedCassandra.runningServer(dataDir.toAbsolutePath()).isEmpty());
    deleteRecursively(dataDir);
  }

  @Test
  void settingsComeFromTheEnvironmentStyleKeys() {
    CassandraSettings external =
        CassandraSettings.from(
            RelayConfig.load(
                ConfigFactory.parseMap(
                    java.util.Map.of(
                        "dm3relay.cassandra.contact-points", "10.0.0.1, 10.0.0.2:9142",
                        "dm3relay.cassandra.replication", "NetworkTopologyStrategy:dc1=3",
                        "dm3relay.cassandra.username", "relay"))));
    assertEquals(java.util.List.of("10.0.0.1:9042", "10.0.0.2:9142"), external.contactPoints());
    assertFalse(external.embeddedWanted());
    assertFalse(external.schemaToApply(), "an external cluster's schema is applied by ops");
    assertEquals("{'class': 'NetworkTopologyStrategy', 'dc1': 3}", external.replication().toCql());
    assertEquals("relay", external.username().orElseThrow());
  }
}
