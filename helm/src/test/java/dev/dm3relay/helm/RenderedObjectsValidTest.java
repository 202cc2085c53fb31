package dev.dm3relay.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every object the chart renders, for several value sets, is valid against the Kubernetes schemas. */
class RenderedObjectsValidTest {

  private static final List<String> VALUE_SETS =
      List.of(
          "defaults",
          "five-replicas-ingress-monitor",
          "existing-secrets",
          "lease-majority",
          "chart-managed-secrets",
          "notifications",
          "broken-objects");
  private static final Map<String, Chart.Rendered> RENDERED = new LinkedHashMap<>();
  private static Map<String, List<KubernetesSchemas.Verdict>> verdicts;

  /** Renders every value set, then validates them all in one Node run. */
  @BeforeAll
  static void renderAndValidateAll() {
    Map<String, String> outputs = new LinkedHashMap<>();
    for (String set : VALUE_SETS) {
      Chart.Rendered rendered = set.equals("defaults") ? Chart.render() : Chart.render(set);
      RENDERED.put(set, rendered);
      outputs.put(set, rendered.yaml);
    }
    verdicts = KubernetesSchemas.validateAll(outputs);
  }

  private static List<KubernetesSchemas.Verdict> renderAndValidate(String valueSet) {
    List<KubernetesSchemas.Verdict> result = verdicts.get(valueSet);
    // The validator saw every object helm rendered, no more, no fewer.
    assertEquals(RENDERED.get(valueSet).objects.size(), result.size(), "objects validated");
    return result;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "defaults",
        "five-replicas-ingress-monitor",
        "existing-secrets",
        "lease-majority",
        "chart-managed-secrets",
        "notifications"
      })
  void everyRenderedObjectIsValid(String valueSet) {
    List<KubernetesSchemas.Verdict> verdicts = renderAndValidate(valueSet);
    List<KubernetesSchemas.Verdict> invalid =
        verdicts.stream().filter(v -> !v.errors().isEmpty()).toList();
    assertTrue(invalid.isEmpty(), () -> "invalid objects for " + valueSet + ": " + invalid);
  }

  @Test
  void defaultsRenderTheExpectedObjects() {
    Set<String> kinds =
        renderAndValidate("defaults").stream()
            .map(v -> v.kind() + "/" + v.name())
            .collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "ServiceAccount/relay-dm3-relay",
            "ConfigMap/relay-dm3-relay",
            "Role/relay-dm3-relay",
            "RoleBinding/relay-dm3-relay",
            "Service/relay-dm3-relay",
            "Service/relay-dm3-relay-management",
            "Deployment/relay-dm3-relay",
            "PodDisruptionBudget/relay-dm3-relay"),
        kinds);
  }

  @Test
  void optionalObjectsAreRenderedAndValid() {
    Set<String> kinds =
        renderAndValidate("five-replicas-ingress-monitor").stream()
            .map(KubernetesSchemas.Verdict::kind)
            .collect(Collectors.toSet());
    assertTrue(kinds.containsAll(Set.of("Ingress", "ServiceMonitor", "PrometheusRule", "PodDisruptionBudget")), kinds::toString);
    Set<String> secrets =
        renderAndValidate("chart-managed-secrets").stream()
            .filter(v -> v.kind().equals("Secret"))
            .map(KubernetesSchemas.Verdict::name)
            .collect(Collectors.toSet());
    assertEquals(Set.of("relay-dm3-relay-identity", "relay-dm3-relay-cassandra"), secrets);
  }

  /**
   * The proof that validation is more than "parses as YAML": a value set that values.schema.json
   * lets through (free-form fields) but that renders a Deployment with wrong types, an unknown field
   * name and missing required fields must be reported, with the offending paths.
   */
  @Test
  void brokenObjectsAreCaught() {
    List<KubernetesSchemas.Verdict> verdicts = renderAndValidate("broken-objects");
    KubernetesSchemas.Verdict deployment =
        verdicts.stream().filter(v -> v.kind().equals("Deployment")).findFirst().orElseThrow();
    String errors = String.join("\n", deployment.errors());
    assertFalse(deployment.errors().isEmpty(), "the broken Deployment passed validation");
    // env value: 10 (a number where Kubernetes wants a string)
    assertTrue(errors.contains("/spec/template/spec/containers/0/env/") && errors.contains("must be string"), errors);
    // valeFrom: a field name Kubernetes does not know
    assertTrue(errors.contains("/spec/template/spec/containers/0/env/8/valeFrom is not a field of V1EnvVar"), errors);
    // tolerationSeconds: soon (a string where Kubernetes wants an integer)
    assertTrue(errors.contains("/spec/template/spec/tolerations/0/tolerationSeconds must be integer"), errors);
    // a topology spread constraint without topologyKey and whenUnsatisfiable
    assertTrue(errors.contains("topologySpreadConstraints/0 must have required property topologyKey"), errors);
    assertTrue(errors.contains("topologySpreadConstraints/0 must have required property whenUnsatisfiable"), errors);
    // ...and nothing else is blamed.
    assertTrue(
        verdicts.stream().filter(v -> !v.kind().equals("Deployment")).allMatch(v -> v.errors().isEmpty()),
        verdicts::toString);
  }

  /** The lease CRD operators apply for lease-majority is a valid CustomResourceDefinition. */
  @Test
  void leaseCustomResourceDefinitionIsValid() throws java.io.IOException {
    String crd = java.nio.file.Files.readString(Chart.DIR.resolve("files/pekko-lease-crd.yaml"));
    List<KubernetesSchemas.Verdict> verdicts = KubernetesSchemas.validate(crd);
    assertEquals(1, verdicts.size());
    assertEquals("CustomResourceDefinition leases.pekko.apache.org", verdicts.get(0).kind() + " " + verdicts.get(0).name());
    assertTrue(verdicts.get(0).errors().isEmpty(), verdicts::toString);
    // The Role's lease rule must name this CRD's group and plural.
    var lease = Chart.YAML.readTree(crd).path("spec");
    assertEquals("pekko.apache.org", lease.path("group").asText());
    assertEquals("leases", lease.at("/names/plural").asText());
  }

  /** An object of a kind the validator has no schema for is an error, never silently passed. */
  @Test
  void unknownKindsAreNotWaivedThrough() {
    List<KubernetesSchemas.Verdict> verdicts =
        KubernetesSchemas.validate("apiVersion: example.org/v1\nkind: Widget\nmetadata:\n  name: w\n");
    assertEquals(1, verdicts.size());
    assertTrue(verdicts.get(0).errors().get(0).contains("no schema known"), verdicts::toString);
  }
}
