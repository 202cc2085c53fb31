package dev.dm3relay.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.node.Relay;
import dev.dm3relay.node.TestClient;
import dev.dm3relay.node.TestRelays;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.sender.WalletUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
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
 * The reference's Express routing on every route of {@link RouteTable}: each route answers its
 * variants (one trailing slash, literal segments in another case, HEAD for GET) exactly as its
 * canonical spelling, path parameters are percent-decoded once, and OPTIONS is answered as
 * {@code cors()} does.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class ExpressRoutingTest {

  private static Relay relay;
  private static WalletUser bob;
  private static String token;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    relay = TestRelays.start(Map.of());
    bob = WalletUser.create();
    assertEquals(200, TestClient.register(relay.baseUrl(), bob).statusCode());
    token = TestClient.login(relay.baseUrl(), bob);
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  /** One request of a route: its method, canonical path and body. */
  record Call(String template, String method, String path, String body) {}

  private static List<Call> calls() {
    String n = bob.name();
    String ack = "{\"acknowledgements\":[]}";
    String rpc = "{\"jsonrpc\":\"2.0\",\"method\":\"dm3_getDeliveryServiceProperties\",\"params\":[]}";
    return List.of(
        new Call("/hello", "GET", "/hello", null),
        new Call("/rpc", "POST", "/rpc", rpc),
        new Call("/metrics", "GET", "/metrics", null),
        new Call("/delivery-service-profile", "GET", "/delivery-service-profile", null),
        new Call("/auth/:ensName", "GET", "/auth/" + n, null),
        new Call("/auth/:ensName", "POST", "/auth/" + n, "{}"),
        new Call("/profile/:ensName", "GET", "/profile/" + n, null),
        new Call("/profile/:ensName", "POST", "/profile/" + n, "{}"),
        new Call("/delivery/spamFilterRules/:ensName", "GET", "/delivery/spamFilterRules/" + n, null),
        new Call("/delivery/messages/incoming/:ensName", "GET", "/delivery/messages/incoming/" + n, null),
        new Call("/delivery/messages/:ensName/contact/:contactEnsName", "GET", "/delivery/messages/" + n + "/contact/alice.eth", null),
        new Call("/delivery/messages/:ensName/syncAcknowledgements", "POST", "/delivery/messages/" + n + "/syncAcknowledgements", ack),
        new Call("/notifications/global/:ensName", "GET", "/notifications/global/" + n, null),
        new Call("/notifications/global/:ensName", "POST", "/notifications/global/" + n, "{\"isEnabled\":\"x\"}"),
        new Call("/notifications/otp/verify/:ensName", "POST", "/notifications/otp/verify/" + n, "{}"),
        new Call("/notifications/otp/:ensName", "POST", "/notifications/otp/" + n, "{}"),
        new Call("/notifications/channel/:channelType/:ensName", "DELETE", "/notifications/channel/EMAIL/" + n, null),
        new Call("/notifications/channel/:ensName", "POST", "/notifications/channel/" + n, "{}"),
        new Call("/notifications/:ensName", "GET", "/notifications/" + n, null),
        new Call("/notifications/:ensName", "POST", "/notifications/" + n, "{}"));
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
            .header("Authorization", "Bearer " + token)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The literal segments upper-cased; parameters kept (they are names, matched after nameprep). */
  private static String shouted(Call call) {
    String[] template = call.template().substring(1).split("/");
    String[] path = call.path().substring(1).split("/");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < path.length; i++) {
      out.append('/').append(template[i].startsWith(":") ? path[i] : path[i].toUpperCase(java.util.Locale.ROOT));
    }
    return out.toString();
  }

  @Test
  void everyTemplateIsCovered() {
    assertEquals(
        RouteTable.TEMPLATES.stream().sorted().toList(),
        calls().stream().map(Call::template).distinct().sorted().toList());
  }

  @TestFactory
  Stream<DynamicTest> everyRouteAnswersItsVariantsAsItsCanonicalPath() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Call call : calls()) {
      Map<String, String> variants = new java.util.LinkedHashMap<>();
      variants.put("trailing slash", call.path() + "/");
      variants.put("literals upper-cased", shouted(call));
      variants.put("both", shouted(call) + "/");
      for (Map.Entry<String, String> variant : variants.entrySet()) {
        tests.add(
            DynamicTest.dynamicTest(
                call.method() + " " + call.template() + ": " + variant.getKey(),
                () -> {
                  HttpResponse<String> canonical = send(call.method(), call.path(), call.body());
                  assertTrue(canonical.statusCode() != 404 && canonical.statusCode() != 405, call + " is routed: " + canonical.statusCode());
                  HttpResponse<String> lenient = send(call.method(), variant.getValue(), call.body());
                  assertEquals(canonical.statusCode(), lenient.statusCode(), variant.getValue() + ": " + lenient.body());
                  // the CSV may gain a row in between; every challenge is a new one
                  if (!call.template().equals("/metrics") && !(call.template().equals("/auth/:ensName") && call.method().equals("GET"))) {
                    assertEquals(canonical.body(), lenient.body(), variant.getValue());
                  }
                }));
      }
      if (call.method().equals("GET")) {
        tests.add(
            DynamicTest.dynamicTest(
                "HEAD " + call.template(),
                () -> {
                  HttpResponse<String> get = send("GET", call.path(), null);
                  HttpResponse<String> head = send("HEAD", call.path() + "/", null);
                  assertEquals(get.statusCode(), head.statusCode());
                  assertEquals("", head.body());
                  assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"));
                }));
      }
    }
    return tests.stream();
  }

  @Test
  void unknownPathsAndTwoSlashesStayUnknown() throws Exception {
    assertEquals(404, send("GET", "/hello//", null).statusCode());
    assertEquals(404, send("GET", "/nothing/here/", null).statusCode());
    assertEquals(405, send("DELETE", "/HELLO/", null).statusCode());
  }

  @Test
  void pathParametersArePercentDecodedOnce() throws Exception {
    String name = bob.name();
    String encoded = name.replace(".", "%2E");
    HttpResponse<String> plain = send("GET", "/delivery/messages/incoming/" + name, null);
    assertEquals(200, plain.statusCode());
    assertEquals(plain.body(), send("GET", "/delivery/messages/incoming/" + encoded, null).body());
    // %252E is "%2E" once decoded: not bob's name, so his token does not open it
    assertEquals(401, send("GET", "/delivery/messages/incoming/" + name.replace(".", "%252E"), null).statusCode());
  }

  @Test
  void optionsIsAnsweredAsCorsDoes() throws Exception {
    HttpResponse<String> preflight =
        http.send(
            HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/delivery/messages/incoming/" + bob.name() + "/"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.dm3.chat")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(204, preflight.statusCode());
    assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    assertEquals("GET,HEAD,PUT,PATCH,POST,DELETE", preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(""));
    // the headers asked for, reflected (Pekko renders the parsed list with ", ")
    assertEquals("authorization,content-type", preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").replace(" ", ""));
    assertEquals("Access-Control-Request-Headers", preflight.headers().firstValue("Vary").orElse(""));
    assertEquals("", preflight.body());
    HttpResponse<String> hello = send("GET", "/hello", null);
    assertEquals("*", hello.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
  }
}
