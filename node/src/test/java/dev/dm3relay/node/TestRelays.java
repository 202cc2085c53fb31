package dev.dm3relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Whole relay nodes for integration tests, on the test JVM's shared embedded Cassandra. */
public final class TestRelays {

  private TestRelays() {}

  /**
   * Starts a relay node on an ephemeral HTTP port, pointed at the shared Cassandra as an external
   * cluster (so it starts no Cassandra of its own), with its own data directory for the identity.
   */
  public static Relay start(Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put("dm3relay.cassandra.contact-points", String.join(",", EmbeddedCassandraExtension.storage().contactPoints()));
    values.put("dm3relay.cassandra.apply-schema", "never");
    values.put("dm3relay.api.host", "127.0.0.1");
    values.put("dm3relay.api.port", 0);
    values.put("pekko.management.http.hostname", "127.0.0.1");
    values.put("pekko.management.http.port", 0);
    values.put("pekko.coordinated-shutdown.exit-jvm", "off");
    values.put("dm3relay.data-dir", Path.of("target", "test-data", "relay-" + UUID.randomUUID()).toAbsolutePath().toString());
    values.putAll(overrides);
    Config config = EmbeddedCassandraExtension.relayConfig(ConfigFactory.parseMap(values));
    return Relay.start(config);
  }
}
