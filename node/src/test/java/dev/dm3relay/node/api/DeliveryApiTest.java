package dev.dm3relay.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.Relay;
import dev.dm3relay.node.TestClient;
import dev.dm3relay.node.TestRelays;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input on every route gets a 4xx with a JSON error body — never a 500, a stack trace or a
 * text body — and leaves other mailboxes working. Runs a whole relay on the real embedded Cassandra.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class DeliveryApiTest {

  private static Relay relay;
  private static WalletUser alice;
  private static WalletUser bob;

  @BeforeAll
  static void start() throws Exception {
    relay =
        TestRelays.start(
            Map.of(
                "dm3relay.mailbox.message-ttl-days", 2,
                "dm3relay.api.size-limit", 20000,
                "dm3relay.metrics.collection-interval", "1s",
                "dm3relay.metrics.flush-interval", "200ms"));
    alice = WalletUser.create();
    bob = WalletUser.create();
    for (WalletUser user : List.of(alice, bob)) {
      assertEquals(200, TestClient.register(relay.baseUrl(), user).statusCode());
    }
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
    return TestClient.send(relay.baseUrl(), method, path, body, token);
  }

  private static String login(WalletUser user) throws Exception {
    return TestClient.login(relay.baseUrl(), user);
  }

  private static String envelope(WalletUser from, WalletUser to, String text) {
    return TestClient.envelope(from, to, relay.identity().encryption().publicKey(), text).requestBody();
  }

  /** One bad request and the status it must get. */
  record Bad(String label, String method, String path, String body, boolean authenticated, int status) {}

  @TestFactory
  Stream<DynamicTest> badInputGetsItsClientErrorWithAJsonBody() throws Exception {
    String bobToken = login(bob);
    String acks = "/delivery/messages/" + bob.name() + "/syncAcknowledgements/";
    String huge = "{\"jsonrpc\":\"2.0\",\"method\":\"dm3_submitMessage\",\"params\":[\"" + "A".repeat((int) relay.settings().bodyLimit()) + "\"]}";
    List<Bad> cases =
        List.of(
            new Bad("rpc: not JSON", "POST", "/rpc", "{", false, 400),
            new Bad("rpc: empty body", "POST", "/rpc", "", false, 400),
            new Bad("rpc: an array", "POST", "/rpc", "[]", false, 400),
            new Bad("rpc: null", "POST", "/rpc", "null", false, 400),
            new Bad("rpc: method is a number", "POST", "/rpc", "{\"method\":5}", false, 400),
            new Bad("rpc: unknown method", "POST", "/rpc", "{\"jsonrpc\":\"2.0\",\"method\":\"eth_call\",\"params\":[]}", false, 405),
            new Bad("rpc: submit params not an array", "POST", "/rpc", "{\"method\":\"dm3_submitMessage\",\"params\":\"x\"}", false, 400),
            new Bad("rpc: submit envelope is an object", "POST", "/rpc", "{\"method\":\"dm3_submitMessage\",\"params\":[{}]}", false, 400),
            new Bad("rpc: submit envelope is not JSON", "POST", "/rpc", "{\"method\":\"dm3_submitMessage\",\"params\":[\"{\"]}", false, 400),
            new Bad("rpc: submit envelope of the wrong shape", "POST", "/rpc", "{\"method\":\"dm3_submitMessage\",\"params\":[\"{\\\"message\\\":1}\"]}", false, 400),
            new Bad("rpc: body beyond the entity limit", "POST", "/rpc", huge, false, 413),
            new Bad("rpc: envelope over sizeLimit", "POST", "/rpc", envelope(alice, bob, "x".repeat(30000)), false, 400),
            new Bad("rpc: profile extension without a name", "POST", "/rpc", "{\"method\":\"dm3_getProfileExtension\",\"params\":[]}", false, 400),
            new Bad("rpc: profile extension name is an object", "POST", "/rpc", "{\"method\":\"dm3_getProfileExtension\",\"params\":[{}]}", false, 400),
            new Bad("rpc: wrong HTTP method", "PUT", "/rpc", "{}", false, 405),
            new Bad("hello: wrong HTTP method", "DELETE", "/hello", null, false, 405),
            new Bad("profile: not JSON", "POST", "/profile/" + alice.name(), "{", false, 400),
            new Bad("profile: missing fields", "POST", "/profile/" + alice.name(), "{\"profile\":{}}", false, 400),
            new Bad("profile: extra field", "POST", "/profile/" + alice.name(), "{\"profile\":{\"publicEncryptionKey\":\"a\",\"publicSigningKey\":\"b\",\"deliveryServices\":[]},\"signature\":\"0x\",\"x\":1}", false, 400),
            new Bad("profile: invalid name", "GET", "/profile/ab--c.eth", null, false, 400),
            new Bad("profile: chain name without RPC", "GET", "/profile/alice.eth", null, false, 400),
            new Bad("auth: invalid name", "GET", "/auth/-x.eth", null, false, 400),
            new Bad("auth: unknown account", "GET", "/auth/0x" + "12".repeat(20), null, false, 400),
            new Bad("auth: not JSON", "POST", "/auth/" + alice.name(), "{", false, 400),
            new Bad("auth: wrong types", "POST", "/auth/" + alice.name(), "{\"signature\":1,\"challenge\":\"x\"}", false, 400),
            new Bad("auth: extra field", "POST", "/auth/" + alice.name(), "{\"signature\":\"a\",\"challenge\":\"b\",\"x\":1}", false, 400),
            new Bad("auth: forged challenge", "POST", "/auth/" + alice.name(), "{\"signature\":\"a\",\"challenge\":\"b.c.d\"}", false, 400),
            new Bad("incoming: no token", "GET", "/delivery/messages/incoming/" + bob.name(), null, false, 401),
            new Bad("incoming: another account's token", "GET", "/delivery/messages/incoming/" + alice.name(), null, true, 401),
            new Bad("conversation: no token", "GET", "/delivery/messages/" + bob.name() + "/contact/" + alice.name(), null, false, 401),
            new Bad("acks: no token", "POST", acks, "{\"acknowledgements\":[]}", false, 401),
            new Bad("acks: not JSON", "POST", acks, "{", true, 400),
            new Bad("acks: not an array", "POST", acks, "{\"acknowledgements\":\"x\"}", true, 400),
            new Bad("acks: wrong types", "POST", acks, "{\"acknowledgements\":[{\"contactAddress\":5,\"messageHash\":\"x\"}]}", true, 400),
            new Bad("acks: invalid contact name", "POST", acks, "{\"acknowledgements\":[{\"contactAddress\":\"-a.eth\",\"messageHash\":\"x\"}]}", true, 400),
            new Bad("acks: extra field", "POST", acks, "{\"acknowledgements\":[],\"x\":1}", true, 400),
            new Bad("unknown route", "GET", "/nothing/here", null, false, 404),
            new Bad("socket.io: polling transport", "GET", "/socket.io/?EIO=4&transport=polling", null, false, 400));
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.label(),
                    () -> {
                      HttpResponse<String> response = send(c.method(), c.path(), c.body(), c.authenticated() ? bobToken : null);
                      assertEquals(c.status(), response.statusCode(), response.body());
                      assertTrue(
                          response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                          "content type " + response.headers().firstValue("Content-Type"));
                      JsonNode body = Json.parse(response.body());
                      assertTrue(body.isObject(), response.body());
                      assertTrue(!response.body().contains("Exception") && !response.body().contains("\tat "), response.body());
                      assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
                    }));
  }

  @Test
  void requestsTheHttpParserRefusesAlsoGetAJsonClientError() throws Exception {
    java.net.URI uri = java.net.URI.create(relay.baseUrl());
    String[][] cases = {
      {"GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n", "405"},
      {"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "400"},
      {"GET /hello HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(20000) + "\r\n\r\n", "431"},
    };
    for (String[] c : cases) {
      try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
        socket.setSoTimeout(5000);
        socket.getOutputStream().write(c[0].getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 " + c[1]), response);
        assertTrue(response.contains("Content-Type: application/json"), response);
        assertTrue(Json.parse(response.substring(response.indexOf("\r\n\r\n") + 4)).path("error").has("code"), response);
      }
    }
  }

  @Test
  void badInputLeavesOtherMailboxesWorking() throws Exception {
    String aliceToken = login(alice);
    for (String junk : List.of("{", "[]", "{\"method\":\"dm3_submitMessage\",\"params\":[\"{}\"]}")) {
      assertEquals(400, send("POST", "/rpc", junk, null).statusCode());
    }
    assertEquals(200, send("POST", "/rpc", envelope(bob, alice, "still works"), null).statusCode());
    HttpResponse<String> incoming = send("GET", "/delivery/messages/incoming/" + alice.name(), null, aliceToken);
    assertEquals(200, incoming.statusCode());
    assertTrue(Json.parse(incoming.body()).size() >= 1, incoming.body());
  }

  @Test
  void propertiesReportTtlInMillisecondsAndNothingElse() throws Exception {
    HttpResponse<String> response = send("POST", "/rpc", "{\"jsonrpc\":\"2.0\",\"method\":\"dm3_getDeliveryServiceProperties\",\"params\":[]}", null);
    assertEquals(200, response.statusCode());
    // the channel types offered (none here), never their configuration
    assertEquals("{\"messageTTL\":172800000,\"notificationChannel\":[],\"sizeLimit\":20000}", Json.parse(response.body()).get("result").textValue());
  }

  @Test
  void preflightIsOpen() throws Exception {
    HttpResponse<String> response = send("OPTIONS", "/rpc", null, null);
    assertEquals(204, response.statusCode());
    assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
  }

  @Test
  void metricsCountAcceptedSubmissionsOfFinishedIntervals() throws Exception {
    assertEquals(200, send("POST", "/rpc", envelope(alice, bob, "counted"), null).statusCode());
    // 1 s intervals: wait until the submission's interval is over and flushed
    long deadline = System.currentTimeMillis() + 15_000;
    HttpResponse<String> response;
    do {
      Thread.sleep(500);
      response = send("GET", "/metrics", null, null);
    } while (response.statusCode() != 200 && System.currentTimeMillis() < deadline);
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    String[] lines = response.body().split("\n");
    assertEquals("timestampStart,durationSeconds,messageCount,messageSizeBytes,notificationCount", lines[0]);
    long messages = 0;
    for (int i = 1; i < lines.length; i++) {
      String[] columns = lines[i].split(",");
      assertEquals("1", columns[1]);
      messages += Long.parseLong(columns[2]);
      assertTrue(Long.parseLong(columns[3]) > 1000, "size of a real envelope is counted");
    }
    assertTrue(messages >= 1, response.body());
  }
}
