package dev.dm3relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the relay's own classes, read with jdeps from the compiled classes:
 * dependencies point one way (transports → use cases → mailboxes, ENS, storage → core), so
 * there is no cycle, the core depends on no other package of ours, and no use case reaches back
 * into a transport.
 */
class ArchitectureTest {

  private static final String ROOT = "dev.dm3relay.node";
  private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.dm3relay\\.node[\\w.]*)\\s+->\\s+(dev\\.dm3relay\\.node[\\w.]*)\\s");

  private static Map<String, Set<String>> packageGraph() {
    Path classes = Path.of("target", "classes");
    assertTrue(Files.isDirectory(classes), "compiled classes at " + classes.toAbsolutePath());
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps is part of the JDK"));
    StringWriter out = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package", "-filter:none", classes.toString());
    assertEquals(0, status, out.toString());
    Map<String, Set<String>> graph = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.find() && !m.group(1).equals(m.group(2))) {
        graph.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
      }
    }
    assertTrue(graph.size() > 5, "jdeps found the packages: " + graph.keySet());
    return graph;
  }

  @Test
  void thePackagesFormNoCycle() {
    Map<String, Set<String>> graph = packageGraph();
    List<List<String>> cycles = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (String start : graph.keySet()) {
      findCycle(graph, start, new ArrayList<>(), new HashSet<>(), done, cycles);
    }
    assertEquals(List.of(), cycles, "package cycles");
  }

  private static void findCycle(
      Map<String, Set<String>> graph, String at, List<String> path, Set<String> onPath, Set<String> done, List<List<String>> cycles) {
    if (onPath.contains(at)) {
      cycles.add(new ArrayList<>(path.subList(path.indexOf(at), path.size())));
      return;
    }
    if (!done.add(at)) {
      return;
    }
    path.add(at);
    onPath.add(at);
    for (String next : graph.getOrDefault(at, Set.of())) {
      findCycle(graph, next, path, onPath, done, cycles);
    }
    path.remove(path.size() - 1);
    onPath.remove(at);
  }

  @Test
  void theCoreIsALeafAndUseCasesDoNotReachIntoTransports() {
    Map<String, Set<String>> graph = packageGraph();
    assertEquals(Set.of(), graph.getOrDefault(ROOT + ".core", Set.of()), "core depends on nothing of ours");
    Set<String> transports = Set.of(ROOT + ".api", ROOT + ".socketio", ROOT + ".http", ROOT + ".management");
    Map<String, Set<String>> backwards = new HashMap<>();
    graph.forEach(
        (from, to) -> {
          if (!from.equals(ROOT) && !transports.contains(from)) {
            to.stream().filter(transports::contains).forEach(t -> backwards.computeIfAbsent(from, k -> new TreeSet<>()).add(t));
          }
        });
    assertEquals(Map.of(), backwards, "only the composition root and transports use a transport");
    graph.forEach((from, to) -> assertTrue(from.equals(ROOT) || !to.contains(ROOT), from + " depends on the composition root"));
  }
}
