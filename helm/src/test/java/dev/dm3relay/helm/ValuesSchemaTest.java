package dev.dm3relay.helm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * values.schema.json refuses bad values before anything is rendered (helm checks it on install,
 * upgrade, template and lint), with a message that names the value.
 */
class ValuesSchemaTest {

  private static void assertRefused(Map<String, Object> sets, String... expectedInMessage) {
    Exception e = assertThrows(Exception.class, () -> Chart.template(List.of(), sets), () -> "accepted: " + sets);
    String message = e.getMessage();
    assertTrue(message.contains("schema"), () -> "not a schema error: " + message);
    for (String expected : expectedInMessage) {
      assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
    }
  }

  @Test
  void replicaCountMustBeAnInteger() {
    assertRefused(Chart.sets("replicaCount", "two"), "/replicaCount", "got string, want integer");
  }

  @Test
  void replicaCountMustBePositive() {
    assertRefused(Chart.sets("replicaCount", 0), "replicaCount");
  }

  /** --set key=null removes a key: required values must then be reported missing. */
  @Test
  void missingContactPointsAreCaught() {
    assertRefused(Chart.sets("cassandra.contactPoints", "null"), "missing property 'contactPoints'");
  }

  @Test
  void missingMemoryLimitIsCaught() {
    // The heap is a share of the memory limit: without one the JVM would size itself from the node.
    assertRefused(Chart.sets("resources.limits.memory", "null"), "missing property 'memory'");
  }

  @Test
  void chartCreatedIdentityNeedsAllFourKeys() {
    assertRefused(Chart.sets("identity.create", true), "signingPublicKey");
  }

  @Test
  void identityKeysMustHaveTheirLengths() {
    assertRefused(
        Chart.sets(
            "identity.create", true,
            "identity.signingPublicKey", "dG9vLXNob3J0",
            "identity.signingPrivateKey", "dG9vLXNob3J0",
            "identity.encryptionPublicKey", "dG9vLXNob3J0",
            "identity.encryptionPrivateKey", "dG9vLXNob3J0"),
        "signingPublicKey");
  }

  @Test
  void anExistingIdentitySecretMustBeNamed() {
    assertRefused(Chart.sets("identity.existingSecret", ""), "existingSecret");
  }

  @Test
  void cassandraAuthNeedsCredentialsOrASecret() {
    assertRefused(Chart.sets("cassandra.auth.enabled", true), "username");
  }

  @Test
  void replicationMustBeAStrategyTheRelayKnows() {
    assertRefused(Chart.sets("cassandra.replication", "EverywhereStrategy"), "replication");
  }

  @Test
  void splitBrainStrategyIsAnEnum() {
    assertRefused(Chart.sets("cluster.splitBrainResolver.strategy", "keep-oldest"), "strategy");
  }

  @Test
  void gracePeriodLeavesTimeForShardHandover() {
    assertRefused(Chart.sets("terminationGracePeriodSeconds", 5), "terminationGracePeriodSeconds");
  }

  @Test
  void publicUrlMustBeAUrl() {
    assertRefused(Chart.sets("relay.publicUrl", "relay.example.org"), "publicUrl");
  }

  /** A misspelled key is refused instead of silently ignored. */
  @Test
  void unknownKeysAreRefused() {
    assertRefused(Chart.sets("replicas", 5), "additional properties 'replicas' not allowed");
    assertRefused(Chart.sets("cassandra.contactPoint", "db:9042"), "contactPoint");
  }

  @Test
  void validOverridesAreAccepted() {
    Chart.template(
        List.of(),
        Chart.sets(
            "replicaCount", 7,
            "relay.publicUrl", "https://relay.example.org",
            "cassandra.replication", "NetworkTopologyStrategy:dc1=3,dc2=3",
            "relay.mailbox.maxBytes", 52428800,
            "updateStrategy.maxSurge", "25%"));
  }
}
