package dev.dm3relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Interop with real dm3 clients: {@code src/test/interop/interop.js} drives a running relay with the
 * published {@code @dm3-org/dm3-lib-*} 1.7.1 libraries and the stock {@code socket.io-client}, as a
 * dm3 messenger does (sign-up, login, both envelope layouts, live delivery, fetch, decrypt, verify
 * signatures and postmarks, acknowledge) plus the reference's negative cases. Each case the script
 * reports becomes one test here.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class InteropTest {

  /** The script's cases; a crash that reports fewer is a failure, not a smaller green run. */
  private static final int EXPECTED_CASES = 36;

  @TestFactory
  Stream<DynamicTest> publishedDm3ClientsWorkAgainstTheRelay() throws Exception {
    return run(false);
  }

  /** The same cases with one trailing slash on every route, as the reference (Express) takes them. */
  @TestFactory
  Stream<DynamicTest> publishedDm3ClientsWorkWithTrailingSlashPaths() throws Exception {
    return run(true);
  }

  private Stream<DynamicTest> run(boolean trailingSlash) throws Exception {
    List<JsonNode> results = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    StringBuilder rawOutput = new StringBuilder();
    List<String> logLines;
    // every line the relay logs while the clients run, the relay's own at DEBUG
    try (LogCapture logs = new LogCapture(ch.qos.logback.classic.Level.DEBUG, "dev.dm3relay", "dm3relay");
        Relay relay = TestRelays.start(Map.of())) {
      Path script = Path.of("src", "test", "interop", "interop.js").toAbsolutePath();
      assertTrue(Files.isDirectory(script.getParent().resolve("node_modules")), "npm ci did not run in " + script.getParent());
      ProcessBuilder command =
          new ProcessBuilder("node", script.toString(), relay.baseUrl()).directory(script.getParent().toFile()).redirectErrorStream(true);
      command.environment().put("DM3_TRAILING_SLASH", trailingSlash ? "1" : "0");
      Process node = command.start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          rawOutput.append(line).append('\n');
          if (line.startsWith("{\"secrets\"")) {
            Json.parse(line).get("secrets").forEach(v -> secrets.add(v.asText()));
          } else if (line.startsWith("{")) {
            results.add(Json.parse(line));
          }
        }
      }
      if (!node.waitFor(5, TimeUnit.MINUTES)) {
        node.destroyForcibly();
        throw new IOException("interop suite did not finish:\n" + rawOutput);
      }
      logLines = logs.lines();
    }
    assertEquals(EXPECTED_CASES, results.size(), "interop cases reported; output:\n" + rawOutput);
    DynamicTest noSecretLogged =
        DynamicTest.dynamicTest(
            "no relay log line holds a token, signature, key, ciphertext or message text the clients used",
            () -> {
              assertTrue(secrets.size() > 30, "the clients reported what they used: " + secrets.size());
              assertTrue(logLines.stream().anyMatch(l -> l.contains("route=/delivery/messages/incoming/:ensName")), "access lines were captured");
              for (String secret : secrets) {
                String probe = secret.length() > 24 ? secret.substring(0, 24) : secret;
                for (String line : logLines) {
                  assertTrue(!line.contains(probe), "a log line holds a secret (" + probe + "…): " + line);
                }
              }
            });
    return Stream.concat(
        results.stream()
            .map(
                r ->
                    DynamicTest.dynamicTest(
                        r.get("case").asText(), () -> assertTrue(r.get("ok").asBoolean(), r.get("detail").asText()))),
        Stream.of(noSecretLogged));
  }
}
