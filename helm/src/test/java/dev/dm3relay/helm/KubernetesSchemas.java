package dev.dm3relay.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Validates rendered objects against the Kubernetes OpenAPI schemas with kubernetes-models (npm),
 * through src/test/js/validate.mjs. A cluster-free stand-in for the API server's validation: it
 * catches wrong types, bad enum values and missing required fields, and for built-in kinds also
 * field names the Kubernetes API does not have (checked against @kubernetes/client-node's models).
 * Custom resources (the ServiceMonitor) get the type and required-field checks only.
 */
final class KubernetesSchemas {
  static final Path VALIDATOR_DIR =
      Path.of(System.getProperty("validator.dir", "src/test/js")).toAbsolutePath();

  private static final ObjectMapper JSON = new ObjectMapper();

  private KubernetesSchemas() {}

  /** One rendered document's verdict. */
  record Verdict(String apiVersion, String kind, String name, List<String> errors) {
    @Override
    public String toString() {
      return apiVersion + " " + kind + " " + name + ": " + (errors.isEmpty() ? "valid" : errors);
    }
  }

  /** Validates one helm template output. */
  static List<Verdict> validate(String multiDocumentYaml) {
    return verdicts(run(multiDocumentYaml.getBytes(StandardCharsets.UTF_8)));
  }

  /** Validates several outputs in one Node start (loading the models costs about a second). */
  static Map<String, List<Verdict>> validateAll(Map<String, String> outputsByName) {
    try {
      JsonNode all = run(JSON.writeValueAsBytes(outputsByName));
      Map<String, List<Verdict>> result = new LinkedHashMap<>();
      for (String name : outputsByName.keySet()) {
        result.put(name, verdicts(all.path(name)));
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Verdict> verdicts(JsonNode entries) {
    List<Verdict> verdicts = new ArrayList<>();
    for (JsonNode entry : entries) {
      List<String> errors = new ArrayList<>();
      entry.path("errors").forEach(e -> errors.add(e.asText()));
      verdicts.add(
          new Verdict(
              entry.path("apiVersion").asText(),
              entry.path("kind").asText(),
              entry.path("name").asText(),
              errors));
    }
    return verdicts;
  }

  private static JsonNode run(byte[] input) {
    if (!Files.isDirectory(VALIDATOR_DIR.resolve("node_modules/kubernetes-models"))) {
      throw new IllegalStateException(
          "kubernetes-models is not installed in " + VALIDATOR_DIR
              + ": run the Maven build (npm ci runs in generate-test-resources)");
    }
    try {
      Process node =
          new ProcessBuilder("node", "validate.mjs")
              .directory(VALIDATOR_DIR.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try (var stdin = node.getOutputStream()) {
        stdin.write(input);
      }
      byte[] out = node.getInputStream().readAllBytes();
      if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
        throw new IllegalStateException("validate.mjs failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run node validate.mjs", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
