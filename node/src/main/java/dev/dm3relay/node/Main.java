package dev.dm3relay.node;

import com.typesafe.config.Config;
import dev.dm3relay.node.mailbox.CassandraEnvelopeBodies;
import dev.dm3relay.node.mailbox.MailboxSettings;
import dev.dm3relay.node.mailbox.Mailboxes;
import dev.dm3relay.node.store.CassandraSettings;
import dev.dm3relay.node.store.CassandraStorage;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code dm3-relay.jar}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--version")) {
      System.out.println("dm3-relay " + version());
      return;
    }
    System.exit(run(RelayConfig.load()));
  }

  /** Starts storage and the actor system, then blocks until the relay stops. Returns the exit code. */
  static int run(Config config) {
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("dm3-relay {} starting", version());
    CassandraStorage storage = CassandraStorage.start(CassandraSettings.from(config));
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(Behaviors.empty(), "dm3-relay", storage.pekkoConfig().withFallback(config));
    } catch (RuntimeException e) {
      log.error("Actor system failed to start", e);
      storage.close();
      return 1;
    }
    // Cassandra must outlive the actor system: persistence actors flush their last events during
    // coordinated shutdown. Pekko's own JVM hook runs that shutdown; this hook waits for it and
    // only then stops the embedded Cassandra (an external cluster is left alone).
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  awaitTermination(system, Duration.ofSeconds(60));
                  storage.close();
                },
                "stop-embedded-cassandra"));
    Cluster cluster = Cluster.get(system);
    // A single relay node forms its own cluster; multi-node seed/bootstrap config overrides this.
    if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    try {
      CassandraEnvelopeBodies bodies =
          CassandraEnvelopeBodies.create(system, storage.settings().keyspace())
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      // The delivery API (a later issue) takes this handle; until then the shard region runs idle.
      Mailboxes.init(system, MailboxSettings.from(config), bodies, Clock.systemUTC());
    } catch (Exception e) {
      log.error("Mailboxes failed to start", e);
      system.terminate();
      awaitTermination(system, Duration.ofSeconds(60));
      storage.close();
      return 1;
    }
    log.info("dm3-relay up; Cassandra at {}", storage.contactPoints());
    awaitTermination(system, Duration.ofDays(36500));
    storage.close();
    return 0;
  }

  private static void awaitTermination(ActorSystem<?> system, Duration timeout) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LoggerFactory.getLogger(Main.class).warn("Actor system did not terminate in {}", timeout);
    }
  }

  /** The Maven project version baked into the jar at build time. */
  public static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
