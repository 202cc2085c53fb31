package dev.dm3relay.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code dm3-relay.jar}: {@code java -jar dm3-relay.jar} runs a relay node;
 * {@code --version} prints the version; other arguments are operator commands ({@link OpsCommands}).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--version")) {
      System.out.println("dm3-relay " + version());
      return;
    }
    if (args.length > 0) {
      System.exit(OpsCommands.run(args));
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("dm3-relay {} starting", version());
    Relay relay;
    try {
      relay = Relay.start(RelayConfig.load());
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
