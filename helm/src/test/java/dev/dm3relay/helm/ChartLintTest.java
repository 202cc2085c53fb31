package dev.dm3relay.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helm lint --strict: warnings count as failures. */
class ChartLintTest {

  @Test
  void defaultsPassStrictLint() {
    LintResult result = new Helm(Chart.DIR).lint().strict().call();
    assertFalse(result.isFailed(), () -> String.join("\n", result.getMessages()));
  }

  /** The lint is able to fail: a copy of the chart whose defaults break the values schema. */
  @Test
  void strictLintFailsOnDefaultsThatBreakTheSchema(@TempDir Path tmp) throws IOException {
    Path copy = tmp.resolve("dm3-relay");
    copyTree(Chart.DIR, copy);
    Path values = copy.resolve("values.yaml");
    Files.writeString(values, Files.readString(values).replace("replicaCount: 3", "replicaCount: \"two\""));
    LintResult result = new Helm(copy).lint().strict().call();
    assertTrue(result.isFailed(), () -> String.join("\n", result.getMessages()));
    assertTrue(String.join("\n", result.getMessages()).contains("replicaCount"), result.getMessages()::toString);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.sorted(Comparator.naturalOrder()).toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }
}
