package dev.dm3relay.node.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.Relay;
import dev.dm3relay.node.TestClient;
import dev.dm3relay.node.TestRelays;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Web push end to end against a real local push endpoint ({@code src/test/js/push-endpoint.mjs}):
 * it checks the VAPID token and decrypts the payload with the subscription's private key using the
 * published {@code http_ece} package; a 410 from it removes the subscription.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class WebPushTest {

  private static Process endpoint;
  private static final LinkedBlockingQueue<JsonNode> seen = new LinkedBlockingQueue<>();
  private static Relay relay;
  private static int port;
  private static JsonNode keys;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Path.of(System.getProperty("basedir", "."), "src", "test", "js");
    endpoint = new ProcessBuilder("node", "push-endpoint.mjs").directory(dir.toFile()).redirectErrorStream(true).start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in = new BufferedReader(new InputStreamReader(endpoint.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  seen.add(line.startsWith("{") ? Json.parse(line) : Json.newObject().put("type", "stdout").put("line", line));
                }
              } catch (Exception ignored) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    JsonNode ready = seen.poll(20, TimeUnit.SECONDS);
    assertNotNull(ready, "the push endpoint did not start");
    assertEquals("ready", ready.path("type").asText(), ready.toString());
    port = ready.path("port").asInt();
    keys = ready.path("keys");

    KeyPair vapid = WebPush.newKeyPair();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    byte[] scalar = ((ECPrivateKey) vapid.getPrivate()).getS().toByteArray();
    byte[] fixed = new byte[32];
    int skip = Math.max(0, scalar.length - 32);
    System.arraycopy(scalar, skip, fixed, 32 - (scalar.length - skip), scalar.length - skip);
    relay =
        TestRelays.start(
            Map.of(
                "dm3relay.notifications.push.vapid-public-key", b64.encodeToString(WebPush.encode((ECPublicKey) vapid.getPublic())),
                "dm3relay.notifications.push.vapid-private-key", b64.encodeToString(fixed),
                "dm3relay.notifications.push.vapid-subject", "mailto:ops@dm3relay.test",
                "dm3relay.notifications.push.allow-private-endpoints", true,
                "dm3relay.notifications.min-interval", "0s"));
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
    if (endpoint != null) {
      endpoint.destroy();
    }
  }

  private static String subscribe(String path) {
    var subscription = Json.newObject();
    subscription.put("endpoint", "http://127.0.0.1:" + port + path);
    subscription.set("keys", keys);
    var body = Json.newObject();
    body.put("recipientValue", subscription.toString());
    body.put("notificationChannelType", "PUSH");
    return body.toString();
  }

  private static JsonNode nextPush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode o = seen.poll(100, TimeUnit.MILLISECONDS);
      if (o != null && o.path("type").asText().equals("push")) {
        return o;
      }
    }
    return null;
  }

  @Test
  void aMessageToAnOfflineUserIsPushedEncryptedAndSigned() throws Exception {
    WalletUser bob = WalletUser.create();
    WalletUser alice = WalletUser.create();
    assertEquals(200, TestClient.register(relay.baseUrl(), bob).statusCode());
    assertEquals(200, TestClient.register(relay.baseUrl(), alice).statusCode());
    String token = TestClient.login(relay.baseUrl(), bob);
    assertEquals(200, TestClient.send(relay.baseUrl(), "POST", "/notifications/global/" + bob.name(), "{\"isEnabled\":true}", token).statusCode());
    HttpResponse<String> added = TestClient.send(relay.baseUrl(), "POST", "/notifications/" + bob.name(), subscribe("/bob"), token);
    assertEquals(200, added.statusCode(), added.body());
    JsonNode channel = Json.parse(TestClient.send(relay.baseUrl(), "GET", "/notifications/" + bob.name(), null, token).body())
        .path("notificationChannels").get(0);
    assertTrue(channel.path("config").path("isVerified").asBoolean(), "a push channel is verified at once");

    var envelope = TestClient.envelope(alice, bob, relay.identity().encryption().publicKey(), "hi");
    assertEquals(200, TestClient.send(relay.baseUrl(), "POST", "/rpc", envelope.requestBody(), null).statusCode());
    JsonNode push = nextPush(Duration.ofSeconds(15));
    assertNotNull(push, "no push arrived");
    assertEquals(201, push.path("status").asInt(), push.toString());
    JsonNode payload = Json.parse(push.path("payload").asText());
    assertEquals("You received a new message from " + alice.name() + ".", payload.path("body").asText());
    assertEquals("New Message", payload.path("title").asText());
    assertTrue(payload.path("image").asText().startsWith("https://"));
  }

  @Test
  void aSubscriptionThePushServiceCallsGoneIsRemoved() throws Exception {
    WalletUser carol = WalletUser.create();
    WalletUser alice = WalletUser.create();
    assertEquals(200, TestClient.register(relay.baseUrl(), carol).statusCode());
    assertEquals(200, TestClient.register(relay.baseUrl(), alice).statusCode());
    String token = TestClient.login(relay.baseUrl(), carol);
    assertEquals(200, TestClient.send(relay.baseUrl(), "POST", "/notifications/global/" + carol.name(), "{\"isEnabled\":true}", token).statusCode());
    assertEquals(200, TestClient.send(relay.baseUrl(), "POST", "/notifications/" + carol.name(), subscribe("/carol/gone"), token).statusCode());
    var envelope = TestClient.envelope(alice, carol, relay.identity().encryption().publicKey(), "hi");
    assertEquals(200, TestClient.send(relay.baseUrl(), "POST", "/rpc", envelope.requestBody(), null).statusCode());
    JsonNode push = nextPush(Duration.ofSeconds(15));
    assertNotNull(push, "no push arrived");
    assertEquals(410, push.path("status").asInt(), push.toString());
    long deadline = System.currentTimeMillis() + 10_000;
    int channels = -1;
    while (System.currentTimeMillis() < deadline) {
      channels = Json.parse(TestClient.send(relay.baseUrl(), "GET", "/notifications/" + carol.name(), null, token).body())
          .path("notificationChannels").size();
      if (channels == 0) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(0, channels, "the gone subscription was removed");
  }

  @Test
  void aPrivateEndpointIsRefusedUnlessAllowed() {
    // the relay above allows them (a test); the client a relay on the internet sends pushes with
    // refuses http and non-public hosts
    dev.dm3relay.node.ens.PublicHttp http = new dev.dm3relay.node.ens.PublicHttp(false, 4);
    Throwable refused =
        http.post(java.net.URI.create("http://127.0.0.1:" + port + "/x"), Map.of(), new byte[0], "application/octet-stream", Duration.ofSeconds(2), 1024)
            .toCompletableFuture()
            .handle((r, f) -> f)
            .join();
    assertTrue(refused instanceof dev.dm3relay.node.ens.PublicHttp.RefusedTargetException
        || refused.getCause() instanceof dev.dm3relay.node.ens.PublicHttp.RefusedTargetException, String.valueOf(refused));
    Throwable privateHttps =
        http.post(java.net.URI.create("https://127.0.0.1:" + port + "/x"), Map.of(), new byte[0], "application/octet-stream", Duration.ofSeconds(2), 1024)
            .toCompletableFuture()
            .handle((r, f) -> f)
            .join();
    assertNotNull(privateHttps, "a loopback https endpoint is refused too");
    assertTrue(String.valueOf(privateHttps).contains("not a public address"), String.valueOf(privateHttps));
  }
}
