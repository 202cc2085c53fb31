package dev.dm3relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator gets on the management port of a whole relay on the real Cassandra: Prometheus
 * metrics that count what clients do (and name none of them), and the admin API: a mailbox's
 * numbers, a purge that keeps the account, a block that refuses a sender on this relay and on a
 * restarted one, the cluster, an audit line per call.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class OperationsTest {

  private static final String TOKEN = "a-long-enough-admin-token-for-tests";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Relay relay;

  @BeforeAll
  static void start() {
    relay = TestRelays.start(Map.of("dm3relay.admin.token", TOKEN));
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private static HttpResponse<String> management(Relay on, String method, String path, String token, String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(on.managementUrl() + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> admin(String method, String path) throws Exception {
    return management(relay, method, path, TOKEN, null);
  }

  private static WalletUser signedUp(Relay on) throws Exception {
    WalletUser user = WalletUser.create();
    assertEquals(200, TestClient.register(on.baseUrl(), user).statusCode());
    return user;
  }

  private static HttpResponse<String> submit(Relay on, WalletUser from, WalletUser to, String text) throws Exception {
    byte[] key = on.identity().encryption().publicKey();
    return TestClient.send(on.baseUrl(), "POST", "/rpc", TestClient.envelope(from, to, key, text).requestBody(), null);
  }

  /** The value of one sample line of a Prometheus text scrape, or -1 when absent. */
  private static double sample(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
      }
    }
    return -1;
  }

  @Test
  void metricsCountWhatClientsDoAndNameNoneOfThem() throws Exception {
    WalletUser alice = signedUp(relay);
    WalletUser bob = signedUp(relay);
    String before = management(relay, "GET", "/metrics", null, null).body();
    double accepted = Math.max(0, sample(before, "dm3_relay_submits_total{outcome=\"accepted\",reason=\"none\",transport=\"http\"}"));
    assertEquals(200, submit(relay, alice, bob, "counted").statusCode());
    String token = TestClient.login(relay.baseUrl(), bob);
    TestClient.incomingHashes(relay.baseUrl(), bob, token);

    HttpResponse<String> scrape = management(relay, "GET", "/metrics", null, null);
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    String text = scrape.body();
    assertEquals(accepted + 1, sample(text, "dm3_relay_submits_total{outcome=\"accepted\",reason=\"none\",transport=\"http\"}"));
    assertTrue(sample(text, "dm3_relay_submit_duration_seconds_count{transport=\"http\"}") >= 1);
    assertTrue(text.contains("dm3_relay_submit_duration_seconds_bucket{transport=\"http\",le="), "a histogram");
    assertTrue(sample(text, "dm3_relay_fetches_total{kind=\"incoming\"}") >= 1);
    assertTrue(sample(text, "dm3_relay_auth_total{outcome=\"granted\",step=\"login\"}") >= 1);
    assertTrue(text.contains("dm3_relay_store_write_duration_seconds_count{store=\"journal\"}"));
    assertTrue(text.contains("dm3_relay_store_write_duration_seconds_count{store=\"body\"}"));
    assertEquals(1, sample(text, "dm3_relay_cluster_members{status=\"up\"}"));
    assertEquals(0, sample(text, "dm3_relay_cluster_unreachable_members"));
    assertTrue(sample(text, "dm3_relay_live_sockets") >= 0);
    assertTrue(text.contains("dm3_relay_requests_rejected_total{reason=\"admission\"}"));
    assertTrue(text.contains("dm3_relay_requests_rejected_total{reason=\"timeout\"}"));
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(text.contains("process_cpu_usage"), "process metrics");
    assertTrue(text.contains("dm3_relay_cassandra_cql_requests_seconds"), "the Cassandra driver's own metrics");
    for (String user : List.of(alice.address(), bob.address(), alice.address().toLowerCase(), bob.name(), token)) {
      assertFalse(text.contains(user), "no label or value names a user: " + user);
    }

    HttpResponse<String> open = management(relay, "GET", "/metrics", null, "application/openmetrics-text; version=1.0.0");
    assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
    assertTrue(open.body().trim().endsWith("# EOF"), "OpenMetrics when asked for");
  }

  @Test
  void theDashboardAndTheAlertsUseOnlyNamesTheRelayServes() throws Exception {
    WalletUser alice = signedUp(relay);
    assertEquals(200, submit(relay, alice, signedUp(relay), "for the scrape").statusCode());
    System.gc(); // so that the GC pause series exists
    // the GC notification reaches Micrometer's listener on its own thread: wait for the series
    String scrape = management(relay, "GET", "/metrics", null, null).body();
    for (int i = 0; i < 50 && !scrape.contains("jvm_gc_pause_seconds_sum"); i++) {
      Thread.sleep(100);
      scrape = management(relay, "GET", "/metrics", null, null).body();
    }
    java.util.Set<String> served = new java.util.TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        served.add(line.split("[{ ]")[0]);
      }
    }
    java.util.regex.Pattern name = java.util.regex.Pattern.compile("\\b((?:dm3_relay|jvm|process)_[a-z0-9_]+)");
    for (String file : List.of("../ops/grafana/dm3-relay.json", "../helm/dm3-relay/templates/prometheusrule.yaml")) {
      java.util.regex.Matcher m = name.matcher(java.nio.file.Files.readString(java.nio.file.Path.of(file)));
      int used = 0;
      while (m.find()) {
        used++;
        assertTrue(served.contains(m.group(1)), file + " uses " + m.group(1) + ", which the relay does not serve");
      }
      assertTrue(used >= 4, file + " uses the relay's metrics");
    }
  }

  @Test
  void theAdminApiIsForTheTokenOnlyAndAnswersJson() throws Exception {
    HttpResponse<String> none = management(relay, "GET", "/admin/cluster", null, null);
    assertEquals(401, none.statusCode());
    assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
    assertTrue(Json.parse(none.body()).has("error"));
    assertEquals(401, management(relay, "GET", "/admin/cluster", TOKEN + "x", null).statusCode());
    assertEquals(401, management(relay, "GET", "/admin/cluster", TOKEN.substring(1), null).statusCode());
    for (String[] bad : new String[][] {{"GET", "/admin/nothing-here"}, {"POST", "/admin/cluster"}, {"GET", "/admin/mailboxes/ab--c.eth"}, {"PUT", "/admin/blocked-senders/alice.eth"}}) {
      HttpResponse<String> refused = admin(bad[0], bad[1]);
      assertTrue(refused.statusCode() >= 400 && refused.statusCode() < 500, bad[1] + ": " + refused.statusCode());
      assertTrue(Json.parse(refused.body()).path("error").has("code"), refused.body());
    }
    JsonNode cluster = Json.parse(admin("GET", "/admin/cluster").body());
    assertEquals(1, cluster.get("members").size());
    assertEquals("up", cluster.get("members").get(0).get("status").asText());
  }

  @Test
  void aMailboxIsShownAndPurgedAndItsAccountStays() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      WalletUser bob = signedUp(relay);
      assertEquals(200, submit(relay, signedUp(relay), bob, "one").statusCode());
      assertEquals(200, submit(relay, signedUp(relay), bob, "two").statusCode());

      JsonNode stats = Json.parse(admin("GET", "/admin/mailboxes/" + bob.address()).body());
      assertEquals(bob.address(), stats.get("address").asText());
      assertEquals(2, stats.get("messages").asInt());
      assertTrue(stats.get("bytes").asLong() > 1_000);
      assertTrue(stats.get("oldestStoredAt").asLong() > System.currentTimeMillis() - 60_000);
      assertEquals(stats, Json.parse(admin("GET", "/admin/mailboxes/" + bob.name()).body()), "by a name that resolves to it");
      assertEquals(404, admin("GET", "/admin/mailboxes/" + WalletUser.create().address()).statusCode(), "an address with no account");

      assertEquals(2, Json.parse(admin("DELETE", "/admin/mailboxes/" + bob.name() + "/messages").body()).get("purged").asInt());
      assertEquals(0, Json.parse(admin("GET", "/admin/mailboxes/" + bob.address()).body()).get("messages").asInt());
      String token = TestClient.login(relay.baseUrl(), bob);
      assertEquals(List.of(), TestClient.incomingHashes(relay.baseUrl(), bob, token), "the account stays, its mail is gone");

      List<String> audit = logs.lines().stream().filter(l -> l.contains("dm3relay.audit")).toList();
      assertTrue(audit.stream().anyMatch(l -> l.contains("action=purge") && l.contains("outcome=200") && l.contains("caller=127.0.0.1")), String.join("\n", audit));
      assertTrue(audit.stream().noneMatch(l -> l.contains(TOKEN)), "the admin token is never logged");
    }
  }

  @Test
  void aBlockedSenderIsRefusedHereAndAfterARestart() throws Exception {
    WalletUser spammer = signedUp(relay);
    WalletUser bob = signedUp(relay);
    assertEquals(200, admin("PUT", "/admin/blocked-senders/" + spammer.address().toLowerCase()).statusCode());
    HttpResponse<String> refused = submit(relay, spammer, bob, "buy now");
    assertEquals(403, refused.statusCode());
    assertEquals(-32010, Json.parse(refused.body()).path("error").path("code").asInt());
    assertEquals(200, submit(relay, signedUp(relay), bob, "a friend").statusCode(), "others are not");
    assertTrue(admin("GET", "/admin/blocked-senders").body().contains(spammer.address()));

    // A relay started later on the same Cassandra reads the block from the journal.
    try (Relay later = TestRelays.start(Map.of("dm3relay.admin.token", TOKEN))) {
      assertEventually(() -> statusOf(() -> submit(later, spammer, bob, "again")) == 403, "the block holds after a restart");
    }
    assertEquals(200, admin("DELETE", "/admin/blocked-senders/" + spammer.address()).statusCode());
    assertEquals(200, submit(relay, spammer, bob, "reformed").statusCode());
  }

  private static int statusOf(java.util.concurrent.Callable<HttpResponse<String>> call) {
    try {
      return call.call().statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void assertEventually(Supplier<Boolean> condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.get()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(100);
    }
  }
}
