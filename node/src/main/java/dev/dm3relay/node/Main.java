package dev.dm3relay.node;

import java.io.IOException;
import java.io.InputStream;
import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code dm3-relay.jar}: {@code java -jar dm3-relay.jar} runs a relay node;
 * {@code --version} prints the version; other arguments are operator commands ({@link OpsCommands}).
 */
public final class Main {

  /**
   * Pekko's asks complete as Scala-converted CompletionStages whose non-async callbacks run through
   * CompletableFuture's default async executor. With a common pool of parallelism 1 (any machine
   * with 2 cores) that executor starts a new thread per task — two threads per submitted message,
   * measured with JFR. A common pool of at least 2 threads avoids that; it must be set before
   * anything touches ForkJoinPool, so it is the first thing the relay does.
   */
  static {
    String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(property) == null) {
      System.setProperty(property, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
  }

  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--version")) {
      System.out.println("dm3-relay " + version());
      return;
    }
    if (args.length > 0) {
      System.exit(OpsCommands.run(args));
    }
    String format = System.getenv().getOrDefault("LOG_FORMAT", "text");
    if (!format.equals("text") && !format.equals("json")) {
      // logback.xml picks its appender by this name: any other would silently log nothing
      System.err.println("LOG_FORMAT must be text or json, not " + format);
      System.exit(2);
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("dm3-relay {} starting", version());
    Relay relay;
    try {
      // A downed or leaving node ends its JVM so that its supervisor starts a fresh one.
      relay = Relay.start(RelayConfig.load(ConfigFactory.parseMap(Map.of("pekko.coordinated-shutdown.exit-jvm", "on"))));
    } catch (RuntimeException e) {
      log.error("dm3-relay failed to start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    // SIGTERM/SIGINT: Pekko's JVM hook runs coordinated shutdown (unbind, hand shards over); this
    // hook then stops the embedded Cassandra, which must outlive the actor system's last writes.
    Runtime.getRuntime().addShutdownHook(new Thread(relay::close, "dm3-relay-stop"));
    relay.awaitTermination();
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
