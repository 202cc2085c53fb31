package dev.dm3relay.node.store;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.RelayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real embedded Cassandra for the whole test JVM, shared by every integration test:
 * {@code @ExtendWith(EmbeddedCassandraExtension.class)}. Started on first use through the same
 * {@link CassandraStorage} the relay uses (so the schema is applied from ops/cql/schema.cql), on
 * free ports with data under {@code target/test-data}, and stopped when the test plan ends.
 */
public final class EmbeddedCassandraExtension implements BeforeAllCallback {

  /** Keyspace of every integration test; tests keep apart by unique ids, not by dropping tables. */
  public static final String KEYSPACE = "dm3relay_test";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedCassandraExtension.class);

  private static volatile SharedCassandra shared;

  @Override
  public void beforeAll(ExtensionContext context) {
    // The root context's store lives for the whole test plan and closes AutoCloseable values at
    // its end: one start and one stop per test JVM however many classes use the extension.
    shared =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(SharedCassandra.class, k -> SharedCassandra.start(), SharedCassandra.class);
  }

  public static CassandraStorage storage() {
    SharedCassandra current = shared;
    if (current == null) {
      throw new IllegalStateException("Annotate the test with @ExtendWith(EmbeddedCassandraExtension.class)");
    }
    return current.storage;
  }

  public static EmbeddedCassandra cassandra() {
    return storage().embedded().orElseThrow();
  }

  /**
   * Relay configuration pointing at the shared Cassandra, for an ActorSystem in a test:
   * ephemeral remoting port, several systems per JVM allowed.
   */
  public static Config relayConfig(Config overrides) {
    return RelayConfig.load(
        overrides
            .withFallback(storage().pekkoConfig())
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "dm3relay.cassandra.keyspace", KEYSPACE,
                        "pekko.remote.artery.canonical.port", 0,
                        "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
                        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off",
                        "pekko.coordinated-shutdown.terminate-actor-system", "on",
                        // tests start many relays; WarmUpTest turns it on
                        "dm3relay.warm-up.duration", "0s")))
            .withFallback(LIMITS_OFF));
  }

  /**
   * Every client of a test relay is on 127.0.0.1 and tests push far more than one client would:
   * the per-client limits are off unless a test sets them (RateLimitTest does).
   */
  private static final Config LIMITS_OFF =
      ConfigFactory.parseMap(
          Map.of(
              "dm3relay.rate-limit.ip", 0,
              "dm3relay.rate-limit.sender", 0,
              "dm3relay.rate-limit.recipient", 0,
              "dm3relay.rate-limit.auth", 0,
              "dm3relay.rate-limit.signup", 0,
              "dm3relay.api.max-connections-per-ip", 0,
              "dm3relay.live.max-sockets-per-ip", 0));

  /** Distinct free loopback ports below the ephemeral range (see {@link dev.dm3relay.node.TestPorts}). */
  static int[] freePorts(int count) {
    java.util.Set<Integer> ports = new java.util.LinkedHashSet<>();
    while (ports.size() < count) {
      ports.add(dev.dm3relay.node.TestPorts.free());
    }
    return ports.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Test settings: free ports so parallel builds on one machine do not collide. */
  public static Config testCassandraConfig(Path dataRoot) {
    int[] ports = freePorts(2);
    return ConfigFactory.parseMap(
        Map.of(
            "dm3relay.data-dir", dataRoot.toAbsolutePath().toString(),
            "dm3relay.cassandra.contact-points", "",
            "dm3relay.cassandra.keyspace", KEYSPACE,
            "dm3relay.cassandra.replication", "SimpleStrategy:1",
            "dm3relay.cassandra.apply-schema", "auto",
            "dm3relay.cassandra.embedded.cql-port", ports[0],
            "dm3relay.cassandra.embedded.storage-port", ports[1],
            "dm3relay.cassandra.embedded.heap", "512m",
            // CI machines are shared: a start took 27 s under a load average of 10 on 2 cores.
            "dm3relay.cassandra.embedded.start-timeout", "180s",
            "dm3relay.cassandra.embedded.test-mode", true));
  }

  private static final class SharedCassandra implements AutoCloseable {
    private final CassandraStorage storage;

    private SharedCassandra(CassandraStorage storage) {
      this.storage = storage;
    }

    static SharedCassandra start() {
      Config config = RelayConfig.load(testCassandraConfig(Path.of("target", "test-data", "shared")));
      CassandraStorage storage = CassandraStorage.start(CassandraSettings.from(config));
      // Backstop for a JVM that ends without closing the store (e.g. an aborted run):
      // never leave a Cassandra behind. stop() is idempotent.
      Runtime.getRuntime().addShutdownHook(new Thread(storage::close, "stop-test-cassandra"));
      return new SharedCassandra(storage);
    }

    @Override
    public void close() {
      storage.close();
    }
  }
}
