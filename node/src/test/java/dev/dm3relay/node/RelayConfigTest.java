package dev.dm3relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.api.ApiSettings;
import dev.dm3relay.node.ens.EnsConfig;
import dev.dm3relay.node.mailbox.MailboxSettings;
import dev.dm3relay.node.metrics.MetricsSettings;
import dev.dm3relay.node.socketio.LiveConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every setting is HOCON with an environment override, read through a {@code *Settings.from}: the
 * environment names in the .conf files each take effect, are documented for operators, and reach
 * the settings objects.
 */
class RelayConfigTest {

  private static final Path CONF = Path.of("src", "main", "resources");
  private static final Pattern ENV = Pattern.compile("\\$\\{\\?([A-Z][A-Z0-9_]*)}");

  private static Config load(Map<String, String> env) {
    return RelayConfig.load(ConfigFactory.empty(), env);
  }

  private static TreeSet<String> environmentNames() throws IOException {
    TreeSet<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(CONF)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".conf")).toList()) {
        Matcher m = ENV.matcher(Files.readString(file));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  @Test
  void askTimeoutIsTheMailboxAskAndHasOneName() {
    assertEquals(Duration.ofSeconds(10), MailboxSettings.from(load(Map.of())).askTimeout());
    assertEquals(Duration.ofSeconds(3), MailboxSettings.from(load(Map.of("ASK_TIMEOUT", "3s"))).askTimeout());
    assertFalse(load(Map.of()).hasPath("dm3relay.api.ask-timeout"), "one request timeout, not a second one nothing reads");
  }

  @Test
  void everyEnvironmentNameTakesEffect() throws IOException {
    // A ${?VAR} written above its default would be overridden by the default: setting the variable
    // must show up somewhere in the resolved configuration.
    List<String> ignored = new ArrayList<>();
    for (String name : environmentNames()) {
      String sentinel = "sentinel-of-" + name;
      Config config = load(Map.of(name, sentinel));
      boolean found =
          config.entrySet().stream()
              .filter(e -> e.getKey().startsWith("dm3relay.") || e.getKey().startsWith("pekko.") || e.getKey().startsWith("datastax-java-driver."))
              .anyMatch(e -> String.valueOf(e.getValue().unwrapped()).contains(sentinel));
      if (!found) {
        ignored.add(name);
      }
    }
    assertEquals(List.of(), ignored, "environment names that change nothing");
  }

  @Test
  void theRestOfTheEnvironmentStaysOutOfTheConfiguration() {
    Config config = load(Map.of("SOME_OTHER_SECRET", "hunter2", "PORT", "9999", "odd.name%%", "x"));
    assertEquals(9999, ApiSettings.from(config).port());
    assertTrue(
        config.entrySet().stream().noneMatch(e -> String.valueOf(e.getValue().unwrapped()).contains("hunter2")),
        "a variable no setting names is not carried");
    assertFalse(config.root().containsKey("PORT"));
  }

  @Test
  void everyEnvironmentNameIsDocumented() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    List<String> missing = environmentNames().stream().filter(name -> !readme.contains(name)).toList();
    assertEquals(List.of(), missing, "node/README.md's settings list lacks them");
  }

  @Test
  void theEnvironmentReachesEachConcernsSettings() {
    Config config =
        load(
            Map.of(
                "MAX_IN_FLIGHT", "7",
                "ENS_MAX_RPC_CALLS_IN_FLIGHT", "5",
                "LIVE_PING_INTERVAL", "9s",
                "LIVE_MAX_SOCKETS_PER_ACCOUNT", "2",
                "METRICS_FLUSH_INTERVAL", "2s",
                "METRICS_RETENTION", "0s",
                "MAILBOX_MAX_SHARE_PER_SENDER", "25%"));
    assertEquals(7, ApiSettings.from(config).maxInFlight());
    assertEquals(5, EnsConfig.from(config).maxRpcCallsInFlight());
    LiveConfig live = LiveConfig.from(config, 1_000_000);
    assertEquals(Duration.ofSeconds(9), live.pingInterval());
    assertEquals(2, live.maxSocketsPerAccount());
    MetricsSettings metrics = MetricsSettings.from(config);
    assertEquals(Duration.ofSeconds(2), metrics.flushInterval());
    assertEquals(Duration.ZERO, metrics.retention());
    assertEquals(0.25, MailboxSettings.from(config).maxSharePerSender(), 1e-9);
  }

  @Test
  void overridesAndSystemPropertiesWinOverTheEnvironment() {
    Config config =
        RelayConfig.load(ConfigFactory.parseMap(Map.of("dm3relay.api.max-in-flight", 11)), Map.of("MAX_IN_FLIGHT", "7"));
    assertEquals(11, ApiSettings.from(config).maxInFlight());
    assertTrue(load(Map.of()).getString("dm3relay.ens.rpc").isEmpty(), "no RPC unless configured");
  }
}
