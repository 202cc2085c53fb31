package dev.dm3relay.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the rendered objects mean for the running relay cluster. */
class ChartSemanticsTest {

  private static final Chart.Rendered DEFAULTS = Chart.render();

  // ---- the relay's runtime contract --------------------------------------------------------

  /** Every setting the relay reads reaches the process, under exactly the names it reads. */
  @Test
  void relaySeesEveryContractVariable() {
    Set<String> seen = new TreeSet<>(DEFAULTS.configMap().keySet());
    seen.addAll(DEFAULTS.env().keySet());
    Set<String> required =
        Set.of(
            "HOST", "PORT", "SIZE_LIMIT", "MESSAGE_TTL_DAYS", "MAILBOX_MAX_MESSAGES", "MAILBOX_MAX_BYTES",
            "DATA_DIR", "SIGNING_PUBLIC_KEY", "SIGNING_PRIVATE_KEY", "ENCRYPTION_PUBLIC_KEY",
            "ENCRYPTION_PRIVATE_KEY", "CASSANDRA_CONTACT_POINTS", "CASSANDRA_KEYSPACE",
            "CASSANDRA_REPLICATION", "CASSANDRA_LOCAL_DC", "CASSANDRA_APPLY_SCHEMA", "RELAY_HOSTNAME",
            "RELAY_REMOTING_PORT", "MANAGEMENT_HOSTNAME", "MANAGEMENT_PORT", "DISCOVERY_METHOD",
            "KUBERNETES_NAMESPACE", "KUBERNETES_POD_LABEL_SELECTOR", "REQUIRED_CONTACT_POINT_NR",
            "SBR_STRATEGY", "JAVA_TOOL_OPTIONS");
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(seen);
    assertTrue(missing.isEmpty(), () -> "not given to the relay: " + missing);
  }

  @Test
  void defaultsDriveAClusteredRelayOnExternalCassandra() {
    Map<String, String> config = DEFAULTS.configMap();
    assertEquals("0.0.0.0", config.get("HOST"));
    assertEquals("kubernetes-api", config.get("DISCOVERY_METHOD"));
    assertEquals("keep-majority", config.get("SBR_STRATEGY"));
    assertEquals("always", config.get("CASSANDRA_APPLY_SCHEMA"));
    assertEquals("cassandra:9042", config.get("CASSANDRA_CONTACT_POINTS"));
    assertEquals("/var/lib/dm3-relay", config.get("DATA_DIR"));
    assertFalse(config.containsKey("SBR_LEASE_NAME"));
    assertFalse(config.containsKey("CASSANDRA_USERNAME"), "no credentials unless auth is on");
    assertFalse(DEFAULTS.env().containsKey("CASSANDRA_PASSWORD"));
    // No public URL configured and no Ingress: the relay picks its own fallback (NOTES warns).
    assertFalse(config.containsKey("PUBLIC_URL"));
  }

  /** Pod IP and namespace come from the downward API: they differ per pod. */
  @Test
  void podAddressesComeFromTheDownwardApi() {
    Map<String, JsonNode> env = DEFAULTS.env();
    assertEquals("status.podIP", env.get("RELAY_HOSTNAME").at("/valueFrom/fieldRef/fieldPath").asText());
    assertEquals("status.podIP", env.get("MANAGEMENT_HOSTNAME").at("/valueFrom/fieldRef/fieldPath").asText());
    assertEquals("metadata.namespace", env.get("KUBERNETES_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText());
  }

  /** Cluster Bootstrap's label selector finds exactly this release's pods. */
  @Test
  void discoverySelectorMatchesThePodLabels() {
    JsonNode podLabels = DEFAULTS.one("Deployment").at("/spec/template/metadata/labels");
    String selector = DEFAULTS.configMap().get("KUBERNETES_POD_LABEL_SELECTOR");
    assertEquals("app.kubernetes.io/name=dm3-relay,app.kubernetes.io/instance=relay", selector);
    for (String term : selector.split(",")) {
      String[] kv = term.split("=", 2);
      assertEquals(kv[1], podLabels.path(kv[0]).asText(), term);
    }
    // ...and another release in the namespace is not part of this cluster.
    Chart.Rendered other = new Chart.Rendered(new com.marcnuri.helm.Helm(Chart.DIR).template()
        .withName("other").withNamespace(Chart.NAMESPACE).withKubeVersion(Chart.KUBE_VERSION).call());
    assertNotEquals(selector, other.configMap().get("KUBERNETES_POD_LABEL_SELECTOR"));
  }

  @Test
  void containerPortsAreNamedForDiscovery() {
    Map<String, Integer> ports = new HashMap<>();
    DEFAULTS.container().path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    // pekko-discovery-kubernetes-api looks up the contact port by the name "management".
    assertEquals(Map.of("http", 8080, "management", 8558, "remoting", 25520), ports);
    assertEquals("8558", DEFAULTS.configMap().get("MANAGEMENT_PORT"));
    assertEquals("25520", DEFAULTS.configMap().get("RELAY_REMOTING_PORT"));
    assertEquals("8080", DEFAULTS.configMap().get("PORT"));
  }

  // ---- majority: bootstrap, PDB, rolling update ---------------------------------------------

  @ParameterizedTest(name = "{0} replicas: majority {1}")
  @CsvSource({"3,2", "4,3", "5,3", "7,4"})
  void pdbAndBootstrapUseAMajority(int replicas, int majority) {
    Chart.Rendered r = Chart.renderWith(Chart.sets("replicaCount", replicas));
    assertEquals(majority, r.one("PodDisruptionBudget").at("/spec/minAvailable").asInt());
    assertEquals(String.valueOf(majority), r.configMap().get("REQUIRED_CONTACT_POINT_NR"));
    assertEquals(replicas, r.one("Deployment").at("/spec/replicas").asInt());
    // The budget selects the relay's pods.
    assertEquals(
        r.one("Deployment").at("/spec/selector/matchLabels"),
        r.one("PodDisruptionBudget").at("/spec/selector/matchLabels"));
  }

  @ParameterizedTest(name = "{0} replicas")
  @CsvSource({"1", "2"})
  void noBudgetThatWouldBlockEveryDrain(int replicas) {
    assertTrue(Chart.renderWith(Chart.sets("replicaCount", replicas)).ofKind("PodDisruptionBudget").isEmpty());
  }

  @Test
  void explicitMinAvailableAndContactPointsWin() {
    Chart.Rendered r =
        Chart.renderWith(Chart.sets("replicaCount", 5, "podDisruptionBudget.minAvailable", 4, "cluster.requiredContactPointNr", 5));
    assertEquals(4, r.one("PodDisruptionBudget").at("/spec/minAvailable").asInt());
    assertEquals("5", r.configMap().get("REQUIRED_CONTACT_POINT_NR"));
  }

  @Test
  void mailboxMemoryTunablesReachTheRelayOnlyWhenSet() {
    assertFalse(DEFAULTS.configMap().containsKey("MAILBOX_ACTIVE_LIMIT"), "the relay's own default applies");
    assertFalse(DEFAULTS.configMap().containsKey("MAILBOX_IDLE_TIMEOUT"));
    Map<String, String> tuned =
        Chart.renderWith(Chart.sets("relay.mailbox.activeLimit", 50000, "relay.mailbox.idleTimeout", "5 minutes")).configMap();
    assertEquals("50000", tuned.get("MAILBOX_ACTIVE_LIMIT"));
    assertEquals("5 minutes", tuned.get("MAILBOX_IDLE_TIMEOUT"));
  }

  @Test
  void rollingUpdateTakesDownOnePodAtATime() {
    JsonNode strategy = DEFAULTS.one("Deployment").at("/spec/strategy");
    assertEquals("RollingUpdate", strategy.path("type").asText());
    assertEquals(1, strategy.at("/rollingUpdate/maxUnavailable").asInt());
    assertEquals(1, strategy.at("/rollingUpdate/maxSurge").asInt());
  }

  @Test
  void shutdownHasTimeForShardHandover() {
    assertTrue(DEFAULTS.one("Deployment").at("/spec/template/spec/terminationGracePeriodSeconds").asInt() >= 30);
  }

  // ---- health checks ----------------------------------------------------------------------

  @Test
  void probesUseTheManagementHealthChecks() {
    JsonNode c = DEFAULTS.container();
    assertEquals("/ready", c.at("/readinessProbe/httpGet/path").asText());
    assertEquals("/alive", c.at("/livenessProbe/httpGet/path").asText());
    assertEquals("/alive", c.at("/startupProbe/httpGet/path").asText());
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      assertEquals("management", c.path(probe).at("/httpGet/port").asText(), probe);
    }
    // The startup budget outlasts a cold Cassandra connection plus cluster formation (>= 2 min).
    JsonNode startup = c.path("startupProbe");
    assertTrue(startup.path("periodSeconds").asInt() * startup.path("failureThreshold").asInt() >= 120);
  }

  // ---- Services -----------------------------------------------------------------------------

  @Test
  void headlessManagementServiceReachesUnreadyPods() {
    ObjectNode headless = DEFAULTS.named("Service", "relay-dm3-relay-management");
    assertEquals("None", headless.at("/spec/clusterIP").asText());
    // A forming cluster is not ready yet; its members must still reach each other.
    assertTrue(headless.at("/spec/publishNotReadyAddresses").asBoolean());
    List<String> ports = new ArrayList<>();
    headless.at("/spec/ports").forEach(p -> ports.add(p.path("name").asText() + ":" + p.path("port").asInt()));
    assertEquals(List.of("management:8558", "remoting:25520"), ports);

    ObjectNode http = DEFAULTS.named("Service", "relay-dm3-relay");
    assertEquals("http", http.at("/spec/ports/0/targetPort").asText());
  }

  // ---- RBAC ---------------------------------------------------------------------------------

  @Test
  void serviceAccountMayOnlyReadPods() {
    JsonNode rules = DEFAULTS.one("Role").path("rules");
    assertEquals(1, rules.size(), rules::toString);
    assertEquals("", rules.at("/0/apiGroups/0").asText());
    assertEquals("[\"pods\"]", rules.at("/0/resources").toString());
    assertEquals(Set.of("get", "watch", "list"), strings(rules.at("/0/verbs")));
    ObjectNode binding = DEFAULTS.one("RoleBinding");
    String account = DEFAULTS.one("ServiceAccount").at("/metadata/name").asText();
    assertEquals(account, binding.at("/subjects/0/name").asText());
    assertEquals(Chart.NAMESPACE, binding.at("/subjects/0/namespace").asText());
    assertEquals(DEFAULTS.one("Role").at("/metadata/name").asText(), binding.at("/roleRef/name").asText());
    assertEquals(account, DEFAULTS.one("Deployment").at("/spec/template/spec/serviceAccountName").asText());
    assertTrue(DEFAULTS.one("Deployment").at("/spec/template/spec/automountServiceAccountToken").asBoolean());
  }

  @Test
  void operatorManagedAccountAndRbac() {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(
        Exception.class, () -> Chart.renderWith(Chart.sets("serviceAccount.create", false)));
    assertTrue(e.getMessage().contains("serviceAccount.name is required"), e::getMessage);
    Chart.Rendered r = Chart.renderWith(Chart.sets("serviceAccount.create", false, "serviceAccount.name", "relay-sa", "rbac.create", false));
    assertTrue(r.ofKind("ServiceAccount").isEmpty() && r.ofKind("Role").isEmpty() && r.ofKind("RoleBinding").isEmpty());
    assertEquals("relay-sa", r.one("Deployment").at("/spec/template/spec/serviceAccountName").asText());
  }

  @Test
  void leaseMajorityAddsLeaseRights() {
    Chart.Rendered r = Chart.render("lease-majority");
    assertEquals("lease-majority", r.configMap().get("SBR_STRATEGY"));
    assertEquals("relay-sbr", r.configMap().get("SBR_LEASE_NAME"));
    JsonNode rules = r.one("Role").path("rules");
    assertEquals(2, rules.size(), rules::toString);
    // pekko-lease-kubernetes' KubernetesLease keeps its lease in the pekko.apache.org custom resource.
    assertEquals(Set.of("pekko.apache.org"), strings(rules.at("/1/apiGroups")));
    assertEquals("[\"leases\"]", rules.at("/1/resources").toString());
    assertEquals(Set.of("get", "create", "update", "delete", "list"), strings(rules.at("/1/verbs")));
    // 4 replicas: majority 3.
    assertEquals(3, r.one("PodDisruptionBudget").at("/spec/minAvailable").asInt());
    String notes = Chart.renderNotes(List.of(Chart.valueSet("lease-majority")), Map.of());
    assertTrue(notes.contains("kubectl apply -f dm3-relay/files/pekko-lease-crd.yaml"), notes);
    assertEquals("relay-dm3-relay-sbr",
        Chart.renderWith(Chart.sets("cluster.splitBrainResolver.strategy", "lease-majority")).configMap().get("SBR_LEASE_NAME"));
  }

  // ---- Secrets ------------------------------------------------------------------------------

  @Test
  void existingSecretsAreReferencedAndNoneCreated() {
    Chart.Rendered r = Chart.render("existing-secrets");
    assertTrue(r.ofKind("Secret").isEmpty(), "the chart must not create Secrets the operator brings");
    Map<String, JsonNode> env = r.env();
    for (String key : List.of("SIGNING_PUBLIC_KEY", "SIGNING_PRIVATE_KEY", "ENCRYPTION_PUBLIC_KEY", "ENCRYPTION_PRIVATE_KEY")) {
      assertEquals("relay-keys", env.get(key).at("/valueFrom/secretKeyRef/name").asText(), key);
      assertEquals(key, env.get(key).at("/valueFrom/secretKeyRef/key").asText(), key);
    }
    assertEquals("cassandra-superuser", env.get("CASSANDRA_USERNAME").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("user", env.get("CASSANDRA_USERNAME").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("cassandra-superuser", env.get("CASSANDRA_PASSWORD").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("pass", env.get("CASSANDRA_PASSWORD").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("mainnet-rpc", env.get("RPC").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("url", env.get("RPC").at("/valueFrom/secretKeyRef/key").asText());
    assertFalse(r.configMap().containsKey("RPC"), "the RPC URL must come from the Secret only");
    assertEquals("never", r.configMap().get("CASSANDRA_APPLY_SCHEMA"));
    assertEquals("https://relay.example.org", r.configMap().get("PUBLIC_URL"));
    // Nothing secret in the ConfigMap.
    assertFalse(r.yaml.contains("PRIVATE_KEY:"), "a private key in plain YAML");
  }

  @Test
  void chartManagedSecretsHoldTheValuesAndAreReferenced() {
    Chart.Rendered r = Chart.render("chart-managed-secrets");
    ObjectNode identity = r.named("Secret", "relay-dm3-relay-identity");
    ObjectNode cassandra = r.named("Secret", "relay-dm3-relay-cassandra");
    assertEquals("relay", decode(cassandra.at("/data/username")));
    assertEquals("s3cret", decode(cassandra.at("/data/password")));
    assertEquals(44, decode(identity.at("/data/SIGNING_PUBLIC_KEY")).length());
    assertEquals(88, decode(identity.at("/data/SIGNING_PRIVATE_KEY")).length());
    Map<String, JsonNode> env = r.env();
    assertEquals("relay-dm3-relay-identity", env.get("SIGNING_PRIVATE_KEY").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("relay-dm3-relay-cassandra", env.get("CASSANDRA_PASSWORD").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("password", env.get("CASSANDRA_PASSWORD").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("https://eth.example.org", r.configMap().get("RPC"));
  }

  @Test
  void notificationSettingsReachTheRelayAndTheirCredentialsComeFromSecrets() {
    Chart.Rendered r = Chart.render("notifications");
    Map<String, String> config = r.configMap();
    assertEquals("10m", config.get("NOTIFICATION_MIN_INTERVAL"));
    assertEquals("smtp.example.org", config.get("SMTP_HOST"));
    assertEquals("465", config.get("SMTP_PORT"));
    assertEquals("relay@example.org", config.get("SMTP_FROM"));
    assertEquals("tls", config.get("SMTP_SECURITY"));
    assertEquals("mailto:ops@example.org", config.get("VAPID_SUBJECT"));
    assertEquals("false", config.get("PUSH_ALLOW_PRIVATE_ENDPOINTS"));
    Map<String, JsonNode> env = r.env();
    assertEquals("relay-smtp", env.get("SMTP_USERNAME").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("user", env.get("SMTP_USERNAME").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("relay-smtp", env.get("SMTP_PASSWORD").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("pass", env.get("SMTP_PASSWORD").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("relay-vapid", env.get("VAPID_PUBLIC_KEY").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("vapid-public-key", env.get("VAPID_PUBLIC_KEY").at("/valueFrom/secretKeyRef/key").asText());
    assertEquals("relay-vapid", env.get("VAPID_PRIVATE_KEY").at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("vapid-private-key", env.get("VAPID_PRIVATE_KEY").at("/valueFrom/secretKeyRef/key").asText());
    for (String secret : List.of("SMTP_USERNAME", "SMTP_PASSWORD", "VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY")) {
      assertFalse(config.containsKey(secret), secret + " must come from its Secret only");
    }
    // Off unless configured: the defaults offer no channel and reference no notification Secret.
    Map<String, String> defaults = DEFAULTS.configMap();
    assertFalse(defaults.containsKey("SMTP_HOST"));
    assertFalse(defaults.containsKey("VAPID_SUBJECT"));
    assertFalse(DEFAULTS.env().containsKey("SMTP_PASSWORD"));
    assertFalse(DEFAULTS.env().containsKey("VAPID_PRIVATE_KEY"));
  }

  @Test
  void podsWarmUpBeforeTheyTurnReadyUnlessTurnedOff() {
    assertEquals("40s", DEFAULTS.configMap().get("WARMUP_DURATION"));
    assertEquals("0s", Chart.renderWith(Chart.sets("relay.warmUpDuration", "0s")).configMap().get("WARMUP_DURATION"));
    assertThrows(Exception.class, () -> Chart.renderWith(Chart.sets("relay.warmUpDuration", "forty seconds")));
  }

  @Test
  void halfConfiguredNotificationsFailTheRender() {
    Exception email = assertThrows(Exception.class, () -> Chart.renderWith(Chart.sets("notifications.email.host", "smtp.example.org")));
    assertTrue(email.getMessage().contains("notifications.email.from is required"), email.getMessage());
    Exception push = assertThrows(Exception.class, () -> Chart.renderWith(Chart.sets("notifications.push.existingSecret", "relay-vapid")));
    assertTrue(push.getMessage().contains("notifications.push.subject is required"), push.getMessage());
  }

  /** Keys and settings are read at start: changing either must roll the pods. */
  @Test
  void changedConfigurationOrKeysRollThePods() {
    JsonNode before = DEFAULTS.one("Deployment").at("/spec/template/metadata/annotations");
    JsonNode afterConfig = Chart.renderWith(Chart.sets("relay.sizeLimit", 200000)).one("Deployment")
        .at("/spec/template/metadata/annotations");
    assertNotEquals(before.path("checksum/config"), afterConfig.path("checksum/config"));
    Chart.Rendered managed = Chart.render("chart-managed-secrets");
    Chart.Rendered rotated = new Chart.Rendered(Chart.template(
        List.of(Chart.valueSet("chart-managed-secrets")), Chart.sets("cassandra.auth.password", "other")));
    assertNotEquals(
        managed.one("Deployment").at("/spec/template/metadata/annotations/checksum~1secret"),
        rotated.one("Deployment").at("/spec/template/metadata/annotations/checksum~1secret"));
  }

  // ---- JVM, security, storage ---------------------------------------------------------------

  @Test
  void jvmHeapFollowsTheContainerLimit() {
    assertEquals("-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError", DEFAULTS.configMap().get("JAVA_TOOL_OPTIONS"));
    assertEquals("1Gi", DEFAULTS.container().at("/resources/limits/memory").asText());
    Chart.Rendered tuned = Chart.renderWith(Chart.sets("jvm.maxRamPercentage", 60, "jvm.extraOptions", "-XX:+UseG1GC"));
    assertEquals("-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC", tuned.configMap().get("JAVA_TOOL_OPTIONS"));
  }

  @Test
  void runsAsNonRootWithAWritableDataDir() {
    JsonNode pod = DEFAULTS.one("Deployment").at("/spec/template/spec");
    assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
    assertNotEquals(0, pod.at("/securityContext/runAsUser").asInt());
    JsonNode c = DEFAULTS.container();
    assertFalse(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
    assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean());
    Map<String, String> mounts = new HashMap<>();
    c.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
    assertEquals("data", mounts.get(DEFAULTS.configMap().get("DATA_DIR")));
    assertTrue(mounts.containsKey("/tmp"));
    pod.path("volumes").forEach(v -> assertTrue(v.has("emptyDir"), v::toString));
  }

  // ---- Ingress, public URL, ServiceMonitor -------------------------------------------------

  @Test
  void ingressRoutesToTheHttpServiceAndSetsThePublicUrl() {
    Chart.Rendered r = Chart.render("five-replicas-ingress-monitor");
    ObjectNode ingress = r.one("Ingress");
    assertEquals("nginx", ingress.at("/spec/ingressClassName").asText());
    assertEquals("relay.example.org", ingress.at("/spec/rules/0/host").asText());
    assertEquals("relay-dm3-relay", ingress.at("/spec/rules/0/http/paths/0/backend/service/name").asText());
    assertEquals("http", ingress.at("/spec/rules/0/http/paths/0/backend/service/port/name").asText());
    // TLS on that host: the profile carries the https URL.
    assertEquals("https://relay.example.org", r.configMap().get("PUBLIC_URL"));
    assertEquals("dc1", r.configMap().get("CASSANDRA_LOCAL_DC"));
    assertEquals("NetworkTopologyStrategy:dc1=3,dc2=3", r.configMap().get("CASSANDRA_REPLICATION"));
    assertEquals(
        "cassandra-dc1-0.cassandra.db.svc:9042,cassandra-dc1-1.cassandra.db.svc:9042",
        r.configMap().get("CASSANDRA_CONTACT_POINTS"));
  }

  @Test
  void serviceMonitorSelectsTheServiceWithTheScrapedPort() {
    Chart.Rendered r = Chart.render("five-replicas-ingress-monitor");
    ObjectNode monitor = r.one("ServiceMonitor");
    assertEquals("prometheus", monitor.at("/metadata/labels/release").asText());
    assertEquals("management", monitor.at("/spec/endpoints/0/port").asText());
    assertEquals("/metrics", monitor.at("/spec/endpoints/0/path").asText());
    JsonNode selector = monitor.at("/spec/selector/matchLabels");
    List<String> selected = new ArrayList<>();
    for (ObjectNode service : r.ofKind("Service")) {
      JsonNode labels = service.at("/metadata/labels");
      boolean matches = true;
      for (var it = selector.fields(); it.hasNext(); ) {
        var f = it.next();
        matches &= f.getValue().asText().equals(labels.path(f.getKey()).asText());
      }
      if (matches) {
        selected.add(service.at("/metadata/name").asText());
        List<String> portNames = new ArrayList<>();
        service.at("/spec/ports").forEach(p -> portNames.add(p.path("name").asText()));
        assertTrue(portNames.contains("management"), portNames::toString);
      }
    }
    assertEquals(List.of("relay-dm3-relay-management"), selected);
    ObjectNode httpMonitor = Chart.renderWith(Chart.sets("serviceMonitor.enabled", true, "serviceMonitor.port", "http"))
        .one("ServiceMonitor");
    assertEquals("http", httpMonitor.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText());
  }

  @Test
  void operationsComeFromTheirValues() {
    Chart.Rendered defaults = Chart.render("existing-secrets");
    assertEquals("json", defaults.configMap().get("LOG_FORMAT"), "log collectors get one object per line");
    assertEquals("true", defaults.configMap().get("ACCESS_LOG"));
    assertFalse(defaults.env().containsKey("ADMIN_TOKEN"), "no admin API unless a Secret is named");
    assertTrue(defaults.ofKind("PrometheusRule").isEmpty());

    Chart.Rendered r = Chart.render("five-replicas-ingress-monitor");
    JsonNode token = r.env().get("ADMIN_TOKEN");
    assertEquals("dm3-relay-admin", token.at("/valueFrom/secretKeyRef/name").asText());
    assertEquals("admin-token", token.at("/valueFrom/secretKeyRef/key").asText());
    ObjectNode rule = r.one("PrometheusRule");
    assertEquals("prometheus", rule.at("/metadata/labels/release").asText());
    List<String> alerts = new ArrayList<>();
    rule.at("/spec/groups/0/rules").forEach(a -> alerts.add(a.path("alert").asText()));
    assertEquals(List.of("Dm3RelaySubmitErrors", "Dm3RelaySubmitLatency", "Dm3RelayUnreachableMembers", "Dm3RelayAdmissionRejects"), alerts);
    assertTrue(rule.at("/spec/groups/0/rules/1/expr").asText().contains("> 0.5"), "the p99 threshold from values");
  }

  @Test
  void notesTellHowToPublishTheProfile() {
    String notes = Chart.renderNotes(List.of(Chart.valueSet("five-replicas-ingress-monitor")), Map.of());
    assertTrue(notes.contains("curl -s https://relay.example.org/delivery-service-profile"), notes);
    assertTrue(notes.contains("\"network.dm3.deliveryService\""), notes);
    assertTrue(notes.contains("\"dataUri\""), notes);
    assertTrue(notes.contains("kubectl -n dm3 create secret generic dm3-relay-identity --from-env-file=identity.env"), notes);
    assertTrue(notes.contains("/ready"), notes);
    assertTrue(notes.contains("publish it in ENS:\n\n     curl"), notes);
    assertFalse(notes.contains("WARNING"), notes);
  }

  @Test
  void notesWarnWithoutAPublicUrl() {
    String notes = Chart.renderNotes(List.of(), Map.of());
    assertTrue(notes.contains("WARNING: relay.publicUrl is empty"), notes);
    assertTrue(notes.contains("port-forward service/relay-dm3-relay 8080:80"), notes);
    String single = Chart.renderNotes(List.of(Chart.valueSet("chart-managed-secrets")), Map.of());
    assertTrue(single.contains("NOTE: 1 replica(s)"), single);
    assertFalse(single.contains("create secret generic"), "the chart made the Secret: " + single);
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> set = new TreeSet<>();
    array.forEach(n -> set.add(n.asText()));
    return set;
  }

  private static String decode(JsonNode base64) {
    return new String(java.util.Base64.getDecoder().decode(base64.asText()), java.nio.charset.StandardCharsets.UTF_8);
  }
}
