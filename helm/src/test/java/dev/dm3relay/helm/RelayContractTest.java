package dev.dm3relay.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart against the relay's own sources: every environment variable the chart sets is one the
 * relay reads (a misspelled name would be silently ignored and the default used), and the names
 * the relay's cluster configuration expects match what the chart renders.
 */
class RelayContractTest {
  private static final Path NODE_MAIN = Chart.REPO_ROOT.resolve("node/src/main");
  // Read by the JVM itself, not by the relay's configuration.
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  /** Names in ${?NAME} substitutions of the relay's HOCON files and NAME literals in its Java code. */
  private static Set<String> variablesTheRelayReads() throws IOException {
    Set<String> names = new TreeSet<>();
    Pattern hocon = Pattern.compile("\\$\\{\\?([A-Z][A-Z0-9_]*)}");
    Pattern javaLiteral = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"");
    try (Stream<Path> files = Files.walk(NODE_MAIN)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String name = file.getFileName().toString();
        Pattern pattern = name.endsWith(".conf") ? hocon : name.endsWith(".java") ? javaLiteral : null;
        if (pattern != null) {
          Matcher m = pattern.matcher(Files.readString(file));
          while (m.find()) {
            names.add(m.group(1));
          }
        }
      }
    }
    return names;
  }

  @Test
  void everyVariableTheChartSetsIsReadByTheRelay() throws IOException {
    Set<String> read = variablesTheRelayReads();
    assertTrue(read.contains("CASSANDRA_CONTACT_POINTS"), "relay sources not found under " + NODE_MAIN);
    Set<String> set = new TreeSet<>();
    List<Chart.Rendered> renders =
        List.of(
            Chart.render(),
            Chart.render("existing-secrets"),
            Chart.render("lease-majority"),
            Chart.render("chart-managed-secrets"),
            Chart.renderWith(Chart.sets(
                "relay.publicUrl", "https://relay.example.org",
                "relay.mailbox.activeLimit", 5000,
                "relay.mailbox.idleTimeout", "5 minutes")));
    for (Chart.Rendered r : renders) {
      set.addAll(r.configMap().keySet());
      set.addAll(r.env().keySet());
    }
    set.removeAll(JVM_VARIABLES);
    Set<String> unread = new TreeSet<>(set);
    unread.removeAll(read);
    assertTrue(unread.isEmpty(), () -> "the chart sets variables the relay never reads: " + unread);
  }

  /** kubernetes-api discovery finds the contact port by the name the relay configures. */
  @Test
  void managementPortNameMatchesTheRelaysDiscoveryConfig() throws IOException {
    String cluster = Files.readString(NODE_MAIN.resolve("resources/cluster.conf"));
    Matcher m = Pattern.compile("port-name\\s*=\\s*\"([^\"]+)\"").matcher(cluster);
    assertTrue(m.find(), "no contact-point-discovery port-name in cluster.conf");
    List<String> names = Chart.render().container().findValuesAsText("name");
    assertTrue(names.contains(m.group(1)), () -> "no container port named " + m.group(1) + ": " + names);
    assertEquals(m.group(1), "management");
  }
}
