package dev.dm3relay.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every object the chart renders, for several value sets, is valid against the Kubernetes schemas. */
class RenderedObjectsValidTest {

  private static List<KubernetesSchemas.Verdict> renderAndValidate(String valueSet) {
    Chart.Rendered rendered = valueSet.equals("defaults") ? Chart.render() : Chart.render(valueSet);
    List<KubernetesSchemas.Verdict> verdicts = KubernetesSchemas.validate(rendered.yaml);
    // The validator saw every object helm rendered, no more, no fewer.
    assertEquals(rendered.objects.size(), verdicts.size(), "objects validated");
    return verdicts;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "defaults",
        "five-replicas-ingress-monitor",
        "existing-secrets",
        "lease-majority",
        "chart-managed-secrets"
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
    assertTrue(kinds.containsAll(Set.of("Ingress", "ServiceMonitor", "PodDisruptionBudget")), kinds::toString);
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

  /** An object of a kind the validator has no schema for is an error, never silently passed. */
  @Test
  void unknownKindsAreNotWaivedThrough() {
    List<KubernetesSchemas.Verdict> verdicts =
        KubernetesSchemas.validate("apiVersion: example.org/v1\nkind: Widget\nmetadata:\n  name: w\n");
    assertEquals(1, verdicts.size());
    assertTrue(verdicts.get(0).errors().get(0).contains("no schema known"), verdicts::toString);
  }
}
