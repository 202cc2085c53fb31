package dev.dm3relay.node;

import com.typesafe.config.Config;
import dev.dm3relay.node.identity.IdentityStore;
import dev.dm3relay.node.store.CassandraSettings;
import dev.dm3relay.node.store.CassandraStorage;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;

/**
 * Operator commands of {@code dm3-relay.jar}, configured by the same environment as the relay:
 *
 * <ul>
 *   <li>{@code cassandra}: start (or adopt) the embedded Cassandra under {@code $DATA_DIR/cassandra},
 *       apply the schema and leave it running — for several relay nodes sharing one Cassandra
 *       ({@code ops/cluster}); stop it with the pid in {@code $DATA_DIR/cassandra/cassandra.pid}.
 *   <li>{@code identity}: create the delivery-service identity file if missing and print the four
 *       key settings as {@code NAME=value} lines (for a Kubernetes Secret or a cluster's nodes).
 * </ul>
 */
final class OpsCommands {

  private OpsCommands() {}

  static int run(String[] args) {
    Config config = RelayConfig.load();
    switch (args[0]) {
      case "cassandra" -> {
        CassandraStorage storage = CassandraStorage.start(CassandraSettings.from(config));
        if (storage.embedded().isEmpty()) {
          System.err.println("CASSANDRA_CONTACT_POINTS is set: nothing to start");
          return 2;
        }
        System.out.println(storage.contactPoints().get(0));
        return 0;
      }
      case "identity" -> {
        DeliveryServiceIdentity identity = IdentityStore.load(config);
        System.out.println("SIGNING_PUBLIC_KEY=" + identity.signingPublicKeyBase64());
        System.out.println("SIGNING_PRIVATE_KEY=" + identity.signingPrivateKeyBase64());
        System.out.println("ENCRYPTION_PUBLIC_KEY=" + identity.encryptionPublicKeyBase64());
        System.out.println("ENCRYPTION_PRIVATE_KEY=" + identity.encryptionPrivateKeyBase64());
        return 0;
      }
      default -> {
        System.err.println("usage: java -jar dm3-relay.jar [--version | cassandra | identity]");
        return 2;
      }
    }
  }
}
