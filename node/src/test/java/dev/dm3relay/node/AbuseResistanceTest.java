package dev.dm3relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.SourceAddressHttp.Response;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;

/**
 * The per-client limits of a whole relay, crossed from several loopback source addresses: each
 * limit refuses the client (or sender, receiver, name) that exhausts it with 429, Retry-After and
 * {@code {"code":-32005,"message":"rate limit exceeded"}}, and nobody else. Each test uses source
 * addresses of its own, so the tests do not share buckets.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class AbuseResistanceTest {

  private static Relay relay;
  private static byte[] relayKey;
  /** Registrations are made from addresses of their own, one each, so they take no test's tokens. */
  private static final AtomicInteger registrationHost = new AtomicInteger(1);

  /** Burst of the per-IP bucket; it refills at one request a second, so a quick run of requests sees the burst. */
  private static final int IP_BURST = 20;

  @BeforeAll
  static void start() {
    relay =
        TestRelays.start(
            Map.ofEntries(
                Map.entry("dm3relay.rate-limit.ip", 1),
                Map.entry("dm3relay.rate-limit.ip-burst", IP_BURST),
                Map.entry("dm3relay.rate-limit.sender", 1),
                Map.entry("dm3relay.rate-limit.sender-burst", 2),
                Map.entry("dm3relay.rate-limit.recipient", 1),
                Map.entry("dm3relay.rate-limit.recipient-burst", 3),
                Map.entry("dm3relay.rate-limit.auth", 2),
                Map.entry("dm3relay.rate-limit.signup", 3),
                Map.entry("dm3relay.rate-limit.trusted-proxies", "127.0.0.60/32"),
                Map.entry("dm3relay.api.max-connections-per-ip", 4),
                Map.entry("pekko.http.server.max-connections", 16),
                Map.entry("dm3relay.live.max-sockets-per-ip", 2)));
    relayKey = relay.identity().encryption().publicKey();
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private static void assertRateLimited(Response response) {
    assertEquals(429, response.status(), response.body());
    assertTrue(Long.parseLong(response.header("retry-after")) >= 1, "Retry-After: " + response.headers());
    JsonNode error = Json.parse(response.body()).path("error");
    assertEquals(-32005, error.path("code").asInt(), response.body());
    assertEquals("rate limit exceeded", error.path("message").asText());
  }

  private static WalletUser signedUp() throws Exception {
    WalletUser user = WalletUser.create();
    String source = "127.0.1." + registrationHost.getAndIncrement();
    Response r = SourceAddressHttp.send(source, relay.port(), "POST", "/profile/" + user.name(), user.profile().canonical(), Map.of());
    assertEquals(200, r.status(), r.body());
    return user;
  }

  private static Response submit(String source, WalletUser from, WalletUser to) throws IOException {
    return SourceAddressHttp.send(
        source, relay.port(), "POST", "/rpc", TestClient.envelope(from, to, relayKey, "hi " + System.nanoTime()).requestBody(), Map.of());
  }

  /**
   * Requests until the first refusal (at most {@code burst + 3}): the first {@code burst} must all
   * pass; the refill between quick requests may let one or two more through.
   */
  private static Response untilRefused(int burst, java.util.concurrent.Callable<Response> request) throws Exception {
    for (int i = 0; i < burst + 3; i++) {
      Response r = request.call();
      if (r.status() == 429) {
        assertTrue(i >= burst, "refused after only " + i + " of a burst of " + burst + ": " + r.body());
        return r;
      }
      assertEquals(200, r.status(), "request " + i + ": " + r.body());
    }
    throw new AssertionError("never refused");
  }

  @Test
  void aClientOverItsRateIsRefusedBeforeItsBodyIsReadAndOthersAreServed() throws Exception {
    assertRateLimited(untilRefused(IP_BURST, () -> SourceAddressHttp.get("127.0.0.10", relay.port(), "/hello")));
    // A body far over the limit is not even looked at: the answer is the rate limit's, not 413.
    StringBuilder head = new StringBuilder("POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n");
    try (Socket socket = SourceAddressHttp.connect("127.0.0.10", relay.port())) {
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
      assertRateLimited(SourceAddressHttp.read(socket.getInputStream()));
    }
    assertEquals(200, SourceAddressHttp.get("127.0.0.11", relay.port(), "/hello").status(), "another address is served");

    String metrics = TestClient.send(relay.managementUrl(), "GET", "/metrics", null, null).body();
    assertTrue(metrics.matches("(?s).*dm3_relay_requests_rejected_total\\{reason=\"rate_limit\"} [1-9].*"), "counted as rate_limit");
    assertTrue(metrics.matches("(?s).*dm3_relay_rate_limited_total\\{limit=\"ip\"} [1-9].*"), "and by limit");
    assertTrue(!metrics.contains("127.0.0.10"), "no label names a client");
  }

  @Test
  void aSenderOverItsRateIsRefusedWhileAnotherSenderIsNot() throws Exception {
    WalletUser sender = WalletUser.create();
    List<WalletUser> receivers = List.of(signedUp(), signedUp(), signedUp(), signedUp(), signedUp());
    AtomicInteger next = new AtomicInteger();
    assertRateLimited(untilRefused(2, () -> submit("127.0.0.12", sender, receivers.get(next.getAndIncrement()))));
    assertEquals(200, submit("127.0.0.12", WalletUser.create(), receivers.get(0)).status(), "another sender, same client");
    // the sender name is the sender's to choose: naming someone cannot use up their allowance
    assertEquals(200, submit("127.0.0.13", sender, receivers.get(4)).status(), "the same sender name from another client");
  }

  @Test
  void aMailboxOverItsRateRefusesNewEnvelopesWhateverTheirSender() throws Exception {
    WalletUser receiver = signedUp();
    AtomicInteger host = new AtomicInteger(20);
    // every envelope from another sender and another client: only the mailbox's own bucket is shared
    assertRateLimited(untilRefused(3, () -> submit("127.0.2." + host.getAndIncrement(), WalletUser.create(), receiver)));
    assertEquals(200, submit("127.0.2.200", WalletUser.create(), signedUp()).status(), "another mailbox takes mail");
    String metrics = TestClient.send(relay.managementUrl(), "GET", "/metrics", null, null).body();
    assertTrue(metrics.matches("(?s).*dm3_relay_rate_limited_total\\{limit=\"recipient\"} [1-9].*"), "counted");
  }

  @Test
  void loginChallengesAreLimitedPerClientAndPerName() throws Exception {
    WalletUser alice = signedUp();
    WalletUser bob = signedUp();
    String path = "/auth/" + alice.name();
    // one client: its own 2 a minute
    assertRateLimited(untilRefused(2, () -> SourceAddressHttp.get("127.0.0.14", relay.port(), path)));
    // one client cannot deny alice her login: her name's bucket holds three clients' worth
    assertEquals(200, SourceAddressHttp.get("127.0.0.15", relay.port(), path).status(), "another client, same name");
    assertEquals(200, SourceAddressHttp.get("127.0.0.15", relay.port(), path).status());
    assertEquals(200, SourceAddressHttp.get("127.0.0.19", relay.port(), path).status());
    assertEquals(200, SourceAddressHttp.get("127.0.0.19", relay.port(), path).status());
    Response elsewhere = SourceAddressHttp.get("127.0.0.20", relay.port(), path);
    assertRateLimited(elsewhere); // alice's name has had its 6 challenges this minute, from anywhere
    assertTrue(Long.parseLong(elsewhere.header("retry-after")) > 1, "a per-minute limit says when: " + elsewhere.headers());
    assertEquals(200, SourceAddressHttp.get("127.0.0.16", relay.port(), "/auth/" + bob.name()).status(), "another name");
    // and the owner can still log in once a challenge comes back: not waited for here; a login
    // with a challenge fetched before is not limited
  }

  @Test
  void signUpsAreLimitedPerClientAndAnUnchangedProfileIsNoSignUp() throws Exception {
    List<WalletUser> users = new ArrayList<>();
    Response refused =
        untilRefused(
            3,
            () -> {
              WalletUser user = WalletUser.create();
              users.add(user);
              return SourceAddressHttp.send("127.0.0.17", relay.port(), "POST", "/profile/" + user.name(), user.profile().canonical(), Map.of());
            });
    assertRateLimited(refused);
    assertTrue(Long.parseLong(refused.header("retry-after")) > 60, "an hourly limit: " + refused.headers());
    WalletUser first = users.get(0);
    assertEquals(
        200,
        SourceAddressHttp.send("127.0.0.17", relay.port(), "POST", "/profile/" + first.name(), first.profile().canonical(), Map.of()).status(),
        "posting the registered profile again creates nothing and is not limited");
    WalletUser late = users.get(users.size() - 1);
    assertEquals(
        404, TestClient.send(relay.baseUrl(), "GET", "/profile/" + late.name(), null, null).statusCode(), "the refused account was not stored");
    assertEquals(
        200,
        SourceAddressHttp.send("127.0.0.18", relay.port(), "POST", "/profile/" + late.name(), late.profile().canonical(), Map.of()).status(),
        "another client signs up");
  }

  @Test
  void behindATrustedProxyTheForwardedClientIsLimitedNotTheProxy() throws Exception {
    Map<String, String> viaProxy = Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.7");
    assertRateLimited(
        untilRefused(IP_BURST, () -> SourceAddressHttp.send("127.0.0.60", relay.port(), "GET", "/hello", null, viaProxy)));
    assertEquals(
        200,
        SourceAddressHttp.send("127.0.0.60", relay.port(), "GET", "/hello", null, Map.of("X-Forwarded-For", "203.0.113.8")).status(),
        "another client behind the same proxy");
    assertEquals(
        200,
        SourceAddressHttp.send("127.0.0.61", relay.port(), "GET", "/hello", null, Map.of("X-Forwarded-For", "203.0.113.7")).status(),
        "an untrusted peer's header is ignored: it is its own client");
  }

  @Test
  void aClientHoldingItsShareOfConnectionsIsRefusedAndOthersAreNot() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        held.add(SourceAddressHttp.connect("127.0.0.40", relay.port()));
      }
      Thread.sleep(300); // accepted and counted
      Response refused = SourceAddressHttp.get("127.0.0.40", relay.port(), "/hello");
      assertEquals(429, refused.status(), refused.body());
      assertEquals(-32005, Json.parse(refused.body()).path("error").path("code").asInt());
      assertEquals(200, SourceAddressHttp.get("127.0.0.41", relay.port(), "/hello").status(), "another address connects");
    } finally {
      closeAll(held);
    }
    assertEventually200("127.0.0.40");
  }

  @Test
  void beyondMaxConnectionsANewConnectionIsAnswered503NotLeftInTheBacklog() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int host = 50; host < 54; host++) {
        for (int i = 0; i < 4; i++) {
          held.add(SourceAddressHttp.connect("127.0.0." + host, relay.port()));
        }
      }
      Thread.sleep(300);
      Response refused = SourceAddressHttp.get("127.0.0.54", relay.port(), "/hello");
      assertEquals(503, refused.status(), refused.body());
      assertEquals("1", refused.header("retry-after"));
      assertEquals(-32002, Json.parse(refused.body()).path("error").path("code").asInt());
    } finally {
      closeAll(held);
    }
    assertEventually200("127.0.0.54");
  }

  @Test
  void aClientHoldingItsShareOfSocketsIsRefusedAndOthersAreNot() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      sockets.add(upgrade("127.0.0.70"));
      sockets.add(upgrade("127.0.0.70"));
      Thread.sleep(300); // both flows running and counted
      try (Socket third = SourceAddressHttp.connect("127.0.0.70", relay.port())) {
        third.getOutputStream().write(upgradeRequest());
        Response refused = SourceAddressHttp.read(third.getInputStream());
        assertEquals(429, refused.status(), refused.body());
        assertEquals(-32005, Json.parse(refused.body()).path("error").path("code").asInt());
      }
      sockets.add(upgrade("127.0.0.71"));
    } finally {
      closeAll(sockets);
    }
  }

  private static void closeAll(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static byte[] upgradeRequest() {
    return ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** An open Engine.IO WebSocket from {@code source} (the 101 read, the socket left open). */
  private static Socket upgrade(String source) throws IOException {
    Socket socket = SourceAddressHttp.connect(source, relay.port());
    socket.getOutputStream().write(upgradeRequest());
    byte[] head = new byte[12];
    int read = 0;
    while (read < head.length) {
      int n = socket.getInputStream().read(head, read, head.length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    assertEquals("HTTP/1.1 101", new String(head, 0, read, StandardCharsets.US_ASCII));
    return socket;
  }

  private static void assertEventually200(String source) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    int status = 0;
    while (System.nanoTime() < deadline) {
      status = SourceAddressHttp.get(source, relay.port(), "/hello").status();
      if (status == 200) {
        return;
      }
      Thread.sleep(100);
    }
    assertEquals(200, status, "served again once its connections are closed");
  }
}
