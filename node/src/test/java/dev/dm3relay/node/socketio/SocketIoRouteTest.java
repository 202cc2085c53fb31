package dev.dm3relay.node.socketio;

import com.typesafe.config.ConfigFactory;

import dev.dm3relay.node.live.SocketAuthenticator;
import dev.dm3relay.node.live.LiveConnections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Socket.IO endpoint on a real Pekko HTTP server on a loopback port, driven by the stock npm
 * {@code socket.io-client} 4.x (and, for what a well-behaved client never sends, a raw WebSocket).
 * Covers the reference's WebSocketManager tests (§9) and the robustness this relay adds.
 */
class SocketIoRouteTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final int MAX_PAYLOAD = 64 * 1024;

  private static ActorSystem system;
  private static NodeDriver node;

  /** Reference-like server: CONNECT_ERROR refusal, socket.io's heartbeat defaults. */
  private static final LiveConnections live = new LiveConnections(LiveConnections.Presence.NONE, 8, 256L << 20, SocketIoRoute::eventFrame);

  private static int port;

  /** Short heartbeat and connect timeout, for the tests about timing. */
  private static final LiveConnections fastLive = new LiveConnections(LiveConnections.Presence.NONE, 8, 256L << 20, SocketIoRoute::eventFrame);

  private static int fastPort;

  /** Refuses the WebSocketManager way: connect, "unauthorized", disconnect. */
  private static final LiveConnections eventLive = new LiveConnections(LiveConnections.Presence.NONE, 8, 256L << 20, SocketIoRoute::eventFrame);

  private static int eventPort;

  private static final ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();

  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create("live-test", dev.dm3relay.node.LocalSystems.config());
    LiveConfig base =
        LiveConfig.from(dev.dm3relay.node.RelayConfig.load(ConfigFactory.empty(), java.util.Map.of()), 1_000_000)
            .withMaxPayloadBytes(MAX_PAYLOAD)
            .withOutgoingBuffer(16, 256 * 1024)
            .withConnectTimeout(Duration.ofSeconds(5))
            .withEvents(64, Duration.ofSeconds(2));
    port =
        bind(
            SocketIoRoute.create(
                live, SocketIoRouteTest::authenticate, SocketIoRouteTest::onEvent, base, dev.dm3relay.node.UseCases.NO_LIMITS));
    fastPort =
        bind(
            SocketIoRoute.create(
                fastLive,
                SocketIoRouteTest::authenticate,
                SocketIoRouteTest::onEvent,
                base.withHeartbeat(Duration.ofMillis(250), Duration.ofMillis(500))
                    .withConnectTimeout(Duration.ofSeconds(1)), dev.dm3relay.node.UseCases.NO_LIMITS));
    eventPort =
        bind(
            SocketIoRoute.create(
                eventLive,
                SocketIoRouteTest::authenticate,
                SocketIoRouteTest::onEvent,
                base.withRefusal(LiveConfig.Refusal.UNAUTHORIZED_EVENT), dev.dm3relay.node.UseCases.NO_LIMITS));
    node = new NodeDriver();
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static int bind(Route route) throws Exception {
    ServerBinding binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(route)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return binding.localAddress().getPort();
  }

  // --- the relay's side, stubbed ---------------------------------------------------------------

  /** Accepts {@code {"account":{"ensName":N},"token":"token-for-N"}} as account {@code key:N}. */
  /** "token-for-NAME" is valid for an hour, "expiring-for-NAME" for one more second. */
  private static CompletionStage<Optional<SocketAuthenticator.Authorized>> authenticate(JsonNode auth) {
    String name = auth.path("account").path("ensName").asText("");
    String token = auth.path("token").asText("");
    if (token.equals("explode")) {
      throw new IllegalStateException("authenticator bug (expected by the test)");
    }
    long now = System.currentTimeMillis() / 1000;
    Optional<SocketAuthenticator.Authorized> authorized =
        name.isEmpty()
            ? Optional.empty()
            : token.equals("token-for-" + name)
                ? Optional.of(new SocketAuthenticator.Authorized(key(name), now + 3600))
                : token.equals("expiring-for-" + name)
                    ? Optional.of(new SocketAuthenticator.Authorized(key(name), now + 1))
                    : Optional.empty();
    return CompletableFuture.supplyAsync(() -> authorized, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
  }

  private static String key(String name) {
    return "key:" + name;
  }

  private static CompletionStage<JsonNode> onEvent(String account, String client, String event, JsonNode payload) {
    handled.add(account + "|" + event + "|" + payload);
    switch (event) {
      case "submitMessage":
        ObjectNode reply = Json.newObject();
        if (payload.path("envelop").isObject()) {
          reply.put("response", "success");
        } else {
          reply.put("error", "invalid schema");
        }
        return CompletableFuture.completedFuture(reply);
      case "boom":
        return CompletableFuture.failedFuture(new IllegalStateException("handler bug (expected)"));
      case "hang":
        return new CompletableFuture<>();
      default:
        return CompletableFuture.completedFuture(null);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static ObjectNode auth(String name, String token) {
    ObjectNode auth = Json.newObject();
    auth.putObject("account").put("ensName", name);
    auth.put("token", token);
    return auth;
  }

  private static void connect(String id, int serverPort, JsonNode auth) {
    ObjectNode c = NodeDriver.command("connect", id).put("url", "http://127.0.0.1:" + serverPort);
    if (auth != null) {
      c.set("auth", auth);
    }
    node.send(c);
  }

  /** Connects a stock client with a valid token and waits for "authorized". */
  private static void connectAuthorized(String id, int serverPort, String name) {
    connect(id, serverPort, auth(name, "token-for-" + name));
    awaitEvent(id, "authorized");
  }

  private static JsonNode awaitEvent(String id, String event) {
    return node.await(
        o ->
            id.equals(o.path("id").asText())
                && o.path("type").asText().equals("event")
                && o.path("event").asText().equals(event),
        WAIT);
  }

  private static void close(String id) {
    node.send(NodeDriver.command("close", id));
    node.await(id, "closed", WAIT);
  }

  private static JsonNode emitWithAck(
      String id, String event, JsonNode argument, int seq, int timeoutMs) {
    ObjectNode c =
        NodeDriver.command("emit", id).put("event", event).put("ack", true).put("seq", seq);
    c.put("timeoutMs", timeoutMs);
    c.putArray("args").add(argument);
    node.send(c);
    return node.await(
        o ->
            id.equals(o.path("id").asText())
                && o.path("type").asText().equals("ack")
                && o.path("seq").asInt() == seq,
        WAIT.plusMillis(timeoutMs));
  }

  private static void eventually(String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + WAIT + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  private static String rawUrl(int serverPort) {
    return "ws://127.0.0.1:" + serverPort + "/socket.io/?EIO=4&transport=websocket";
  }

  /** Opens a raw WebSocket and returns the parsed Engine.IO open packet. */
  private static JsonNode rawOpen(String id, int serverPort) {
    node.send(NodeDriver.command("raw", id).put("url", rawUrl(serverPort)));
    JsonNode open =
        node.await(
            o -> id.equals(o.path("id").asText()) && o.path("data").asText().startsWith("0{"),
            WAIT);
    return Json.parse(open.path("data").asText().substring(1));
  }

  private static void rawSend(String id, String frame) {
    node.send(NodeDriver.command("rawSend", id).put("data", frame));
  }

  /** Raw client through the Socket.IO handshake as account {@code name}. */
  private static void rawAuthorized(String id, int serverPort, String name) {
    rawOpen(id, serverPort);
    rawSend(id, "40" + auth(name, "token-for-" + name));
    awaitFrame(id, "42[\"authorized\"]");
  }

  private static JsonNode awaitFrame(String id, String frame) {
    return node.await(
        o -> id.equals(o.path("id").asText()) && frame.equals(o.path("data").asText(null)), WAIT);
  }

  private static ObjectNode envelope(String marker) {
    return (ObjectNode)
        Json.parse(
            "{\"message\":\"b64ciphertext+/=\",\"metadata\":{\"version\":\"v1\",\"encryptionScheme\":"
                + "\"x25519-chacha20-poly1305\",\"deliveryInformation\":{\"to\":\"alice.eth\","
                + "\"from\":\"bob.eth\"},\"messageHash\":\"0xabc\",\"signature\":\"sig==\"},"
                + "\"postmark\":\"{\\\"nonce\\\":\\\"n\\\"}\",\"marker\":\""
                + marker
                + "\",\"unicode\":\"é ✓ 😀\",\"n\":[1700000000000,-1,0,1.5,true,false,null]}");
  }

  // --- handshake -------------------------------------------------------------------------------

  @Test
  void validTokenIsConnectedAndAuthorized() throws Exception {
    connect("ok1", port, auth("ok1.eth", "token-for-ok1.eth"));
    JsonNode connected = node.await("ok1", "connect", WAIT);
    assertFalse(connected.path("sid").asText().isEmpty(), "the CONNECT reply carries a sid");
    awaitEvent("ok1", "authorized");
    List<JsonNode> seen = node.seenFor("ok1");
    assertEquals("connect", seen.get(0).path("type").asText(), "CONNECT comes before authorized");
    eventually("registered", () -> live.isConnected(key("ok1.eth")));
    assertFalse(node.hasSeen("ok1", "connect_error"));
    close("ok1");
  }

  @Test
  void refusedSocketsGetTheReferenceConnectError() throws Exception {
    connect("bad1", port, auth("bad1.eth", "token-for-someone-else"));
    connect("bad2", port, null); // no auth object at all
    connect("bad3", port, Json.parse("{\"token\":\"token-for-\"}")); // no account
    connect("bad4", port, auth("bad4.eth", "explode")); // the authenticator throws
    for (String id : List.of("bad1", "bad2", "bad3", "bad4")) {
      JsonNode error = node.await(id, "connect_error", WAIT);
      assertEquals("check token has failed for WS", error.path("message").asText(), id);
      assertFalse(node.hasSeen(id, "connect"), id + " must not be connected");
    }
    assertFalse(live.isConnected(key("bad1.eth")));
    assertFalse(live.isConnected(key("bad4.eth")));
  }

  @Test
  void unauthorizedEventRefusalMatchesTheWebSocketManager() throws Exception {
    connect("ue1", eventPort, auth("ue1.eth", "wrong"));
    awaitEvent("ue1", "unauthorized");
    JsonNode disconnect = node.await("ue1", "disconnect", WAIT);
    assertEquals("io server disconnect", disconnect.path("reason").asText());
    assertFalse(eventLive.isConnected(key("ue1.eth")));
    assertFalse(node.hasSeen("ue1", "connect_error"));
    // and a valid socket on the same server is still authorized the usual way
    connectAuthorized("ue2", eventPort, "ue2.eth");
    eventually("registered", () -> eventLive.isConnected(key("ue2.eth")));
    close("ue2");
  }

  @Test
  void aSocketIsDisconnectedWhenItsTokenExpires() throws Exception {
    connect("exp1", port, auth("exp1.eth", "expiring-for-exp1.eth")); // valid for one more second
    awaitEvent("exp1", "authorized");
    JsonNode disconnect = node.await("exp1", "disconnect", WAIT);
    assertEquals("io server disconnect", disconnect.path("reason").asText(), "the server ended it, the client will not retry");
    eventually("unregistered", () -> !live.isConnected(key("exp1.eth")));
  }

  @Test
  void otherNamespacesAreRefused() {
    node.send(
        NodeDriver.command("connect", "ns1")
            .put("url", "http://127.0.0.1:" + port + "/admin")
            .set("auth", auth("ns1.eth", "token-for-ns1.eth")));
    JsonNode error = node.await("ns1", "connect_error", WAIT);
    assertEquals("Invalid namespace", error.path("message").asText());
    assertFalse(live.isConnected(key("ns1.eth")));
  }

  // --- server -> client ------------------------------------------------------------------------

  @Test
  void pushArrivesAsMessageEventWithTheExactJson() throws Exception {
    connectAuthorized("push1", port, "push1.eth");
    eventually("registered", () -> live.isConnected(key("push1.eth")));
    ObjectNode envelope = envelope("push1");
    assertEquals(1, live.push(key("push1.eth"), "message", envelope));
    JsonNode message = awaitEvent("push1", "message");
    ArrayNode args = (ArrayNode) message.path("args");
    assertEquals(1, args.size(), "one argument: the envelope");
    assertEquals(envelope, args.get(0));
    assertEquals(0, live.push(key("nobody.eth"), "message", envelope), "unknown account");
    close("push1");
  }

  @Test
  void everySocketOfAnAccountReceivesAPush() throws Exception {
    connectAuthorized("multiA", port, "multi.eth");
    connectAuthorized("multiB", port, "multi.eth");
    eventually("both registered", () -> live.connectionCount(key("multi.eth")) == 2);
    assertEquals(2, live.push(key("multi.eth"), "message", envelope("multi")));
    assertEquals(envelope("multi"), awaitEvent("multiA", "message").path("args").get(0));
    assertEquals(envelope("multi"), awaitEvent("multiB", "message").path("args").get(0));
    close("multiA");
    eventually("one left", () -> live.connectionCount(key("multi.eth")) == 1);
    assertEquals(1, live.push(key("multi.eth"), "message", envelope("multi-2")));
    assertEquals(
        envelope("multi-2"),
        node.await(
                o ->
                    "multiB".equals(o.path("id").asText())
                        && "message".equals(o.path("event").asText())
                        && "multi-2".equals(o.path("args").path(0).path("marker").asText()),
                WAIT)
            .path("args")
            .get(0));
    close("multiB");
  }

  // --- client -> server ------------------------------------------------------------------------

  @Test
  void submitMessageIsAckedWithTheHandlersReply() throws Exception {
    connectAuthorized("sub1", port, "sub1.eth");
    ObjectNode submit = Json.newObject();
    submit.set("envelop", envelope("sub1"));
    submit.put("token", "ignored");
    JsonNode ack = emitWithAck("sub1", "submitMessage", submit, 1, 3000);
    assertTrue(ack.path("error").isNull(), ack.toString());
    assertEquals(Json.parse("[{\"response\":\"success\"}]"), ack.path("args"));
    assertTrue(
        handled.contains(key("sub1.eth") + "|submitMessage|" + submit),
        "the handler got the account and the payload: " + handled);

    JsonNode invalid =
        emitWithAck("sub1", "submitMessage", Json.parse("{\"token\":\"x\"}"), 2, 3000);
    assertEquals(Json.parse("[{\"error\":\"invalid schema\"}]"), invalid.path("args"));
    close("sub1");
  }

  @Test
  void unknownEventsAreIgnoredAndHandlerFailuresAnswerAnError() throws Exception {
    connectAuthorized("ev1", port, "ev1.eth");
    JsonNode unknown = emitWithAck("ev1", "noSuchEvent", Json.parse("{}"), 1, 500);
    assertEquals(
        "operation has timed out", unknown.path("error").asText(), "no ack for unknown events");
    JsonNode boom = emitWithAck("ev1", "boom", Json.parse("{}"), 2, 3000);
    assertEquals(Json.parse("[{\"error\":\"internal error\"}]"), boom.path("args"));
    JsonNode hang = emitWithAck("ev1", "hang", Json.parse("{}"), 3, 4000);
    assertEquals(
        Json.parse("[{\"error\":\"internal error\"}]"), hang.path("args"), "event timeout");
    // the socket is still fine
    assertEquals(1, live.push(key("ev1.eth"), "message", envelope("ev1")));
    awaitEvent("ev1", "message");
    assertFalse(node.hasSeen("ev1", "disconnect"));
    close("ev1");
  }

  @Test
  void eventsBeyondThePendingLimitAreRefusedNotQueued() throws Exception {
    connectAuthorized("pend1", port, "pend1.eth");
    for (int i = 0; i < 64; i++) { // the limit configured above; each waits for the 2 s timeout
      ObjectNode hang = NodeDriver.command("emit", "pend1").put("event", "hang").put("ack", false);
      hang.putArray("args").add(Json.newObject());
      node.send(hang);
    }
    ObjectNode submit = Json.newObject();
    submit.set("envelop", envelope("pend1"));
    assertEquals(
        Json.parse("[{\"error\":\"too many pending requests\"}]"),
        emitWithAck("pend1", "submitMessage", submit, 1, 3000).path("args"));
    // Once the hung calls time out their places are free again.
    Thread.sleep(2200);
    assertEquals(
        Json.parse("[{\"response\":\"success\"}]"),
        emitWithAck("pend1", "submitMessage", submit, 2, 3000).path("args"));
    close("pend1");
  }

  // --- isConnected (the reference's WebSocketManager cases) ------------------------------------

  @Test
  void isConnectedFollowsSocketsAndAccounts() throws Exception {
    assertFalse(live.isConnected(key("unknown.eth")), "unknown names are not connected");
    connectAuthorized("bob1", port, "bob.eth");
    connectAuthorized("bob2", port, "bob.eth");
    connectAuthorized("alice1", port, "alice.eth");
    connectAuthorized("vitalik1", port, "vitalik.eth");
    eventually("bob has two sockets", () -> live.connectionCount(key("bob.eth")) == 2);
    assertTrue(live.isConnected(key("alice.eth")));
    assertTrue(live.isConnected(key("vitalik.eth")));

    close("alice1");
    eventually("alice gone", () -> !live.isConnected(key("alice.eth")));
    assertTrue(live.isConnected(key("bob.eth")));
    assertTrue(live.isConnected(key("vitalik.eth")));

    close("bob1");
    eventually("one of bob's sockets gone", () -> live.connectionCount(key("bob.eth")) == 1);
    assertTrue(live.isConnected(key("bob.eth")), "still connected with one socket");
    close("bob2");
    eventually("bob gone after all sockets closed", () -> !live.isConnected(key("bob.eth")));
    close("vitalik1");
    eventually("vitalik gone", () -> !live.isConnected(key("vitalik.eth")));
  }

  // --- heartbeat and timeouts ------------------------------------------------------------------

  @Test
  void heartbeatKeepsAnIdleConnectionAlive() throws Exception {
    connectAuthorized("hb1", fastPort, "hb1.eth");
    // 2 s is four ping intervals and four ping timeouts: without working ping/pong either side
    // would have closed (the client expects a ping within interval + timeout = 750 ms).
    Thread.sleep(2000);
    assertFalse(node.hasSeen("hb1", "disconnect"), node.seenFor("hb1").toString());
    long pings =
        node.seenFor("hb1").stream().filter(o -> o.path("type").asText().equals("ping")).count();
    assertTrue(pings >= 4, "pings seen: " + pings);
    assertTrue(fastLive.isConnected(key("hb1.eth")));
    assertEquals(1, fastLive.push(key("hb1.eth"), "message", envelope("hb1")));
    awaitEvent("hb1", "message");
    close("hb1");
  }

  @Test
  void aClientThatStopsAnsweringPingsIsDropped() throws Exception {
    rawAuthorized("silent1", fastPort, "silent1.eth");
    eventually("registered", () -> fastLive.isConnected(key("silent1.eth")));
    awaitFrame("silent1", "2"); // the server pings; this client never pongs
    node.await("silent1", "wsclose", WAIT);
    eventually("unregistered", () -> !fastLive.isConnected(key("silent1.eth")));
  }

  @Test
  void aTransportWithoutConnectIsClosedAfterTheConnectTimeout() {
    // This client answers pings, so only the missing CONNECT can end it.
    node.send(
        NodeDriver.command("raw", "noconnect1").put("url", rawUrl(fastPort)).put("autoPong", true));
    long opened = System.nanoTime();
    node.await("noconnect1", "wsopen", WAIT);
    node.await("noconnect1", "wsclose", WAIT);
    long pings =
        node.seenFor("noconnect1").stream()
            .filter(o -> "2".equals(o.path("data").asText(null)))
            .count();
    assertTrue(pings >= 2, "the pings were answered for a while: " + node.seenFor("noconnect1"));
    assertTrue(
        System.nanoTime() - opened >= TimeUnit.MILLISECONDS.toNanos(900),
        "closed by the 1 s connect timeout, not earlier");
  }

  @Test
  void theOpenPacketAnnouncesNoUpgradesAndTheLimits() {
    JsonNode open = rawOpen("open1", port);
    assertEquals(20, open.path("sid").asText().length());
    assertEquals(Json.parse("[]"), open.path("upgrades"));
    assertEquals(25000, open.path("pingInterval").asInt());
    assertEquals(20000, open.path("pingTimeout").asInt());
    assertEquals(MAX_PAYLOAD, open.path("maxPayload").asInt());
    node.send(NodeDriver.command("rawClose", "open1"));
    node.await("open1", "wsclose", WAIT);
  }

  // --- robustness ------------------------------------------------------------------------------

  @Test
  void garbageClosesOnlyTheSocketThatSentIt() throws Exception {
    connectAuthorized("good1", port, "good1.eth");
    List<String> garbage =
        List.of(
            "",
            "x",
            "0{}",
            "4",
            "4x",
            "42[\"submitMessage\"",
            "40[1,2]",
            "42{\"not\":\"an array\"}",
            "42[\"connect\"]",
            "42[17]",
            "451-[\"submitMessage\",{\"_placeholder\":true,\"num\":0}]",
            "43123456789012345678[]",
            "41{\"data\":1}",
            "4/" + "n".repeat(300) + ",{}",
            "42[\"submitMessage\",\"" + "a".repeat(MAX_PAYLOAD) + "\"]");
    for (int i = 0; i < garbage.size(); i++) {
      String id = "junk" + i;
      rawOpen(id, port);
      rawSend(id, garbage.get(i));
    }
    rawOpen("junkBinary", port);
    node.send(NodeDriver.command("rawSendBinary", "junkBinary").put("hex", "04deadbeef"));
    rawAuthorized("junkAfterAuth", port, "junk.eth");
    rawSend("junkAfterAuth", "42[\"submitMessage\",{");

    for (int i = 0; i < garbage.size(); i++) {
      node.await("junk" + i, "wsclose", WAIT);
    }
    node.await("junkBinary", "wsclose", WAIT);
    node.await("junkAfterAuth", "wsclose", WAIT);
    eventually("garbage sender unregistered", () -> !live.isConnected(key("junk.eth")));

    // The server is unharmed: the good socket still gets pushes and acks, new sockets connect.
    assertFalse(node.hasSeen("good1", "disconnect"));
    assertEquals(1, live.push(key("good1.eth"), "message", envelope("good1")));
    awaitEvent("good1", "message");
    ObjectNode submit = Json.newObject();
    submit.set("envelop", envelope("good1"));
    assertEquals(
        Json.parse("[{\"response\":\"success\"}]"),
        emitWithAck("good1", "submitMessage", submit, 1, 3000).path("args"));
    connectAuthorized("good2", port, "good2.eth");
    close("good1");
    close("good2");
  }

  @Test
  void aClientThatDoesNotReadIsDroppedInsteadOfBuffered() throws Exception {
    rawAuthorized("slow1", port, "slow1.eth");
    eventually("registered", () -> live.isConnected(key("slow1.eth")));
    node.send(NodeDriver.command("rawPause", "slow1"));
    node.await("slow1", "paused", WAIT);
    ObjectNode big = Json.newObject().put("filler", "z".repeat(64 * 1024));
    int pushes = 0;
    while (live.push(key("slow1.eth"), "message", big) == 1) {
      pushes++;
      if (pushes > 1000) {
        fail("64 MB queued for a client that reads nothing, and it was never dropped");
      }
    }
    assertFalse(live.isConnected(key("slow1.eth")), "dropped after " + pushes + " pushes");
    // Not too early either: the 256 KiB buffer holds three of these (64 KiB plus the packet
    // wrapper each) even when none has reached the network yet.
    assertTrue(pushes >= 3, "dropped after only " + pushes + " pushes");
  }

  @Test
  void handshakesOtherThanWebSocketGetAnEngineIoError() throws Exception {
    String base = "http://127.0.0.1:" + port + "/socket.io/";
    assertError(get(base + "?EIO=4&transport=polling"), 0, "Transport unknown");
    assertError(get(base + "?EIO=4"), 0, "Transport unknown");
    assertError(get(base + "?EIO=4&transport=websocket&sid=abc"), 1, "Session ID unknown");
    assertError(get(base + "?EIO=4&transport=websocket"), 3, "Bad request"); // no upgrade
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "?EIO=4&transport=websocket"))
                .POST(HttpRequest.BodyPublishers.ofString("garbage"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(post, 2, "Bad handshake method");
  }

  @Test
  void anOldEngineIoVersionIsRefused() {
    node.send(
        NodeDriver.command("raw", "eio3")
            .put("url", "ws://127.0.0.1:" + port + "/socket.io/?EIO=3&transport=websocket"));
    JsonNode outcome =
        node.await(
            o -> "eio3".equals(o.path("id").asText()) && !o.path("type").asText().equals("frame"),
            WAIT);
    assertEquals("wserror", outcome.path("type").asText(), "the upgrade is refused: " + outcome);
    assertTrue(outcome.path("message").asText().contains("400"), outcome.toString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> response, int code, String message) {
    assertEquals(400, response.statusCode(), response.body());
    assertEquals(
        "application/json",
        response.headers().firstValue("content-type").orElse(""),
        response.body());
    JsonNode body = Json.parse(response.body());
    assertEquals(code, body.path("code").asInt(), response.body());
    assertEquals(message, body.path("message").asText(), response.body());
    assertEquals("*", response.headers().firstValue("access-control-allow-origin").orElse(""));
  }
}
