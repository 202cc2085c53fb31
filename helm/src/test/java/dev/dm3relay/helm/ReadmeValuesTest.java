package dev.dm3relay.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every value is commented in values.yaml, and the README's values table is exactly the one
 * generated from those comments. After changing values.yaml, refresh the table with
 * {@code mvn -pl helm test -Dtest=ReadmeValuesTest -DupdateReadme=true}.
 */
class ReadmeValuesTest {
  private static final Path VALUES = Chart.DIR.resolve("values.yaml");
  private static final Path README = Chart.DIR.resolve("README.md");

  @Test
  void everyValueIsDocumented() throws IOException {
    JsonNode values = Chart.YAML.readTree(VALUES.toFile());
    Map<String, String> docs = ValuesDoc.descriptions(VALUES);
    List<String> undocumented = new ArrayList<>();
    for (String leaf : ValuesDoc.leaves(values)) {
      boolean covered = false;
      for (String path = leaf; !path.isEmpty(); path = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "") {
        covered |= docs.containsKey(path) && !docs.get(path).isBlank();
      }
      if (!covered) {
        undocumented.add(leaf);
      }
    }
    assertTrue(undocumented.isEmpty(), () -> "values without a '# --' comment: " + undocumented);
    for (String path : docs.keySet()) {
      assertTrue(!ValuesDoc.at(values, path).isMissingNode(), "documented but not a value: " + path);
    }
  }

  @Test
  void readmeTableIsGeneratedFromValues() throws IOException {
    String readme = Files.readString(README);
    int start = readme.indexOf(ValuesDoc.START);
    int end = readme.indexOf(ValuesDoc.END);
    assertTrue(start >= 0 && end > start, "README.md lacks the generated values table markers");
    String current = readme.substring(start, end + ValuesDoc.END.length());
    String generated = ValuesDoc.table(VALUES);
    if (Boolean.getBoolean("updateReadme")) {
      Files.writeString(README, readme.replace(current, generated));
      return;
    }
    assertEquals(generated, current,
        "README values table is stale: run mvn -pl helm test -Dtest=ReadmeValuesTest -DupdateReadme=true");
  }

  /** The table lists every key a user can set: each leaf or its documented parent has a row. */
  @Test
  void everyValuesKeyAppearsInTheReadme() throws IOException {
    String readme = Files.readString(README);
    JsonNode values = Chart.YAML.readTree(VALUES.toFile());
    for (String leaf : ValuesDoc.leaves(values)) {
      String path = leaf;
      while (!readme.contains("| `" + path + "` |") && path.contains(".")) {
        path = path.substring(0, path.lastIndexOf('.'));
      }
      String finalPath = path;
      assertTrue(readme.contains("| `" + finalPath + "` |"), () -> "not in the README table: " + leaf);
    }
  }
}
