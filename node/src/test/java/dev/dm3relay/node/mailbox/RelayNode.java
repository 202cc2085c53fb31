package dev.dm3relay.node.mailbox;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * One relay node for an integration test: an ActorSystem on the shared embedded Cassandra with the
 * real configuration (journal, snapshots, schema from ops/cql), its Mailbox shard region and the
 * Cassandra body table. Closing it terminates the system, as a relay restart would.
 */
final class RelayNode implements AutoCloseable {

  final ActorSystem<Void> system;
  final Mailboxes mailboxes;
  final MailboxSettings settings;

  private RelayNode(ActorSystem<Void> system, Mailboxes mailboxes, MailboxSettings settings) {
    this.system = system;
    this.mailboxes = mailboxes;
    this.settings = settings;
  }

  static RelayNode start(String name, Map<String, Object> overrides, Clock clock) throws Exception {
    return start(name, overrides, clock, bodies -> bodies);
  }

  /** @param bodiesAs wraps the Cassandra body table, e.g. to make writes hang */
  static RelayNode start(
      String name, Map<String, Object> overrides, Clock clock, java.util.function.UnaryOperator<EnvelopeBodies> bodiesAs)
      throws Exception {
    Config config = EmbeddedCassandraExtension.relayConfig(ConfigFactory.parseMap(overrides));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    MailboxSettings settings = MailboxSettings.from(config);
    EnvelopeBodies bodies =
        CassandraEnvelopeBodies.create(system, EmbeddedCassandraExtension.KEYSPACE)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    return new RelayNode(system, Mailboxes.init(system, settings, bodiesAs.apply(bodies), clock, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), settings);
  }

  static RelayNode start(String name) throws Exception {
    return start(name, Map.of(), Clock.systemUTC());
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
  }
}
