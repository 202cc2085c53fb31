package dev.dm3relay.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The image cannot be built here (no container engine), so these checks read ops/container/Dockerfile
 * for the properties the chart relies on. A review, not a build: see ops/container/README.md.
 */
class DockerfileReviewTest {
  private static final Path DOCKERFILE = Chart.REPO_ROOT.resolve("ops/container/Dockerfile");

  /** Instructions of the final stage, continuation lines joined. */
  private static List<String> finalStage() throws IOException {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(DOCKERFILE)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String instruction = current.toString();
      current.setLength(0);
      if (instruction.startsWith("FROM ")) {
        instructions.clear();
      }
      instructions.add(instruction);
    }
    return instructions;
  }

  private static String one(List<String> stage, String keyword) {
    List<String> found = stage.stream().filter(i -> i.startsWith(keyword + " ")).toList();
    assertEquals(1, found.size(), () -> keyword + " in the final stage: " + found);
    return found.get(0).substring(keyword.length() + 1).strip();
  }

  @Test
  void runtimeIsAJava17Jre() throws IOException {
    String from = one(finalStage(), "FROM");
    assertTrue(from.matches("eclipse-temurin:17(\\.[0-9.]+)?(_[0-9]+)?-jre.*"), from);
  }

  @Test
  void runsAsTheNumericNonRootUserTheChartExpects() throws IOException {
    String user = one(finalStage(), "USER");
    assertTrue(user.matches("[0-9]+(:[0-9]+)?"), "runAsNonRoot can only check a numeric USER: " + user);
    int uid = Integer.parseInt(user.split(":")[0]);
    assertTrue(uid > 0, user);
    JsonNode podSecurity = Chart.YAML_VALUES.get().path("podSecurityContext");
    assertEquals(uid, podSecurity.path("runAsUser").asInt(), "chart runAsUser");
    // USER must come after every RUN that needs root.
    List<String> stage = finalStage();
    assertTrue(stage.indexOf("USER " + user) > stage.stream().filter(i -> i.startsWith("RUN ")).map(stage::indexOf).max(Integer::compare).orElse(-1));
  }

  @Test
  void entrypointIsExecFormSoTheJvmGetsSigterm() throws IOException {
    String entrypoint = one(finalStage(), "ENTRYPOINT");
    JsonNode argv = new ObjectMapper().readTree(entrypoint);
    assertTrue(argv.isArray(), "shell form would put /bin/sh between SIGTERM and the JVM: " + entrypoint);
    assertEquals("java", argv.get(0).asText());
    assertEquals("-jar", argv.get(1).asText());
    assertTrue(argv.get(2).asText().endsWith("/dm3-relay.jar"));
    assertTrue(finalStage().stream().noneMatch(i -> i.startsWith("CMD ")), "no CMD arguments to the relay");
  }

  @Test
  void exposesTheRelayPortsAndListensOnAllInterfaces() throws IOException {
    List<String> stage = finalStage();
    assertEquals(Set.of("8080", "8558", "25520"), Set.of(one(stage, "EXPOSE").split("\\s+")));
    String env = one(stage, "ENV");
    assertTrue(env.contains("HOST=0.0.0.0"), env);
    assertTrue(env.contains("-XX:MaxRAMPercentage="), env);
    assertTrue(env.contains("-XX:+ExitOnOutOfMemoryError"), env);
  }

  @Test
  void dataDirIsAVolumeAtThePathTheChartMounts() throws IOException {
    List<String> stage = finalStage();
    String dataDir = Chart.render().configMap().get("DATA_DIR");
    assertTrue(one(stage, "ENV").contains("DATA_DIR=" + dataDir));
    assertEquals("[\"" + dataDir + "\"]", one(stage, "VOLUME"));
    assertTrue(String.join("\n", stage).contains("chown 10001:10001 " + dataDir), "data dir owned by the relay user");
  }

  @Test
  void buildsTheRelayJarAndNothingElse() throws IOException {
    String dockerfile = Files.readString(DOCKERFILE);
    assertTrue(dockerfile.contains("-pl node -am package"), "build only the relay and what it needs");
    assertTrue(dockerfile.contains("node/target/dm3-relay.jar"));
    assertTrue(finalStage().stream().filter(i -> i.startsWith("COPY ")).allMatch(i -> i.contains("--from=build /dm3-relay.jar")),
        "the runtime stage copies the jar only");
    String ignore = Files.readString(DOCKERFILE.resolveSibling("Dockerfile.dockerignore"));
    assertTrue(ignore.contains("**/target/") && ignore.contains("**/node_modules/"), ignore);
  }
}
