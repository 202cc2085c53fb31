package dev.dm3relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.DeliveryInformation;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.model.EnvelopeMetadata;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.model.UserProfile;
import dev.dm3relay.protocol.profile.ProfileSignature;
import dev.dm3relay.protocol.sender.EnvelopeBuilder;
import dev.dm3relay.protocol.sender.WalletUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The attacks of the security review (issue 11), each against a whole relay on the real embedded
 * Cassandra, as an attacker who knows names and public profiles would run them. Every test here
 * failed on the relay before the fixes.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class SecurityTest {

  /** Small limits, so that the attacks cross them quickly. */
  private static final int MAX_IN_FLIGHT = 16;

  private static Relay relay;
  private static byte[] relayKey;

  @BeforeAll
  static void start() {
    relay =
        TestRelays.start(
            Map.of(
                "dm3relay.api.max-in-flight", MAX_IN_FLIGHT,
                "dm3relay.api.request-read-timeout", "3s",
                // the default 10,000-message quota (it sizes acknowledgements), 2 MiB of bytes:
                // a sender's 10 % share is a few large envelopes
                "dm3relay.mailbox.max-bytes", "2 MiB",
                "dm3relay.live.max-sockets-per-account", 3,
                "dm3relay.live.outgoing-buffer-bytes", "256 KiB",
                "dm3relay.mailbox.list.max-concurrent", 4,
                "dm3relay.mailbox.list.max-concurrent-per-mailbox", 2,
                "dm3relay.mailbox.list.idle-timeout", "2s",
                // small socket buffers, so that a client that stops reading stalls the server at
                // once instead of after megabytes of kernel buffer
                "pekko.http.server.socket-options.so-send-buffer-size", "16 KiB"));
    relayKey = relay.identity().encryption().publicKey();
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

  private static WalletUser signedUp() throws Exception {
    WalletUser user = WalletUser.create();
    assertEquals(200, TestClient.register(relay.baseUrl(), user).statusCode());
    return user;
  }

  private static String incoming(String name) {
    return "/delivery/messages/incoming/" + name;
  }

  private static String submit(WalletUser from, WalletUser to, String text) throws Exception {
    return send("POST", "/rpc", TestClient.envelope(from, to, relayKey, text).requestBody(), null).body();
  }

  private static int submitStatus(String requestBody) throws Exception {
    return send("POST", "/rpc", requestBody, null).statusCode();
  }

  // ---- finding 1: a posted profile opens nothing -------------------------------------------

  @Test
  void postingSomeonesPublicProfileOpensNothingOfTheirs() throws Exception {
    WalletUser victim = signedUp();
    String victimToken = TestClient.login(relay.baseUrl(), victim);
    WalletUser friend = signedUp();
    submit(friend, victim, "for the victim's eyes only");

    // What an attacker can do knowing only the name: fetch the public profile, post it back.
    HttpResponse<String> published = send("GET", "/profile/" + victim.name(), null, null);
    assertEquals(200, published.statusCode());
    HttpResponse<String> posted = send("POST", "/profile/" + victim.name(), published.body(), null);
    assertEquals(200, posted.statusCode(), "the reference's answer: 200 and a JSON string");
    String receipt = Json.parse(posted.body()).textValue();

    String address = victim.address();
    for (String spelling : List.of(address.toLowerCase(), address, victim.name())) {
      assertEquals(401, send("GET", incoming(spelling), null, receipt).statusCode(), spelling);
      assertEquals(
          401,
          send("POST", "/delivery/messages/" + spelling + "/syncAcknowledgements/", "{\"acknowledgements\":[]}", receipt)
              .statusCode(),
          spelling);
      assertFalse(TestSocket.tryConnect(relay.baseUrl(), spelling, receipt).equals("authorized"), spelling);
    }
    // the victim's own login still opens the mailbox, with the message still there
    HttpResponse<String> own = send("GET", incoming(victim.name()), null, victimToken);
    assertEquals(200, own.statusCode());
    assertEquals(1, Json.parse(own.body()).size());
  }

  // ---- finding 2: no rollback --------------------------------------------------------------

  @Test
  void anOldProfileCannotRollTheAccountBack() throws Exception {
    WalletUser v1 = signedUp();
    String v1Token = TestClient.login(relay.baseUrl(), v1);
    WalletUser v2 = v1.withNonce(Hashes.sha256Hex("rotated"));
    String v2Profile = v2.profile().canonical();

    assertEquals(409, send("POST", "/profile/" + v1.name(), v2Profile, null).statusCode(), "no proof, no replacement");
    assertEquals(200, send("POST", "/profile/" + v1.name(), v2Profile, v1Token).statusCode(), "the account's token is proof");
    assertEquals(v2Profile, send("GET", "/profile/" + v1.name(), null, null).body());

    // The old profile is still validly signed by the wallet: replaying it is refused.
    HttpResponse<String> replay = send("POST", "/profile/" + v1.name(), v1.profile().canonical(), null);
    assertEquals(409, replay.statusCode());
    assertEquals("Couldn't store profile", Json.parse(replay.body()).path("message").asText());
    // and the token of the old key opens nothing any more, not even a replacement
    assertEquals(409, send("POST", "/profile/" + v1.name(), v1.profile().canonical(), v1Token).statusCode());
    assertEquals(401, send("GET", incoming(v1.name()), null, v1Token).statusCode());
    assertEquals(v2Profile, send("GET", "/profile/" + v1.name(), null, null).body());

    // The rotated key logs in; the old one does not; the current profile re-posted is a 200.
    String v2Token = TestClient.login(relay.baseUrl(), v2);
    assertEquals(200, send("GET", incoming(v2.name()), null, v2Token).statusCode());
    assertTrue(loginFails(v1));
    assertEquals(200, send("POST", "/profile/" + v1.name(), v2Profile, null).statusCode(), "idempotent");
  }

  private static boolean loginFails(WalletUser user) {
    try {
      TestClient.login(relay.baseUrl(), user);
      return false;
    } catch (Exception refused) {
      return refused.getMessage().contains("400");
    }
  }

  // ---- finding 3: time bounds on every byte ------------------------------------------------

  @Test
  void clientsThatDripTheirRequestsHoldConnectionsNotSlots() throws Exception {
    WalletUser canary = signedUp();
    int drippers = MAX_IN_FLIGHT + 10;
    List<Socket> sockets = new ArrayList<>();
    AtomicBoolean dripping = new AtomicBoolean(true);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (int i = 0; i < drippers; i++) {
        Socket socket = new Socket("127.0.0.1", relay.port());
        sockets.add(socket);
        answers.add(
            CompletableFuture.supplyAsync(
                () -> dripBody(socket, dripping), pool));
      }
      Thread.sleep(1_000); // every dripper's head is in and its body is trickling
      long began = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        assertEquals(200, send("GET", "/profile/" + canary.name(), null, null).statusCode(), "canary " + i);
      }
      assertTrue(Duration.ofNanos(System.nanoTime() - began).toMillis() < 5_000, "the canary was not held up");
      for (CompletableFuture<String> answer : answers) {
        String got = answer.get(15, TimeUnit.SECONDS);
        assertTrue(got.startsWith("HTTP/1.1 408") || got.equals("closed"), got);
      }
    } finally {
      dripping.set(false);
      pool.shutdownNow();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  /** Sends a request head announcing 100,000 bytes, then a byte every 500 ms; returns the answer. */
  private static String dripBody(Socket socket, AtomicBoolean dripping) {
    try {
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /rpc HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long deadline = System.nanoTime() + Duration.ofSeconds(14).toNanos();
      while (dripping.get() && System.nanoTime() < deadline) {
        String answer = readSome(socket.getInputStream());
        if (answer != null) {
          return answer;
        }
        out.write(' ');
        out.flush();
      }
      return "still open";
    } catch (IOException e) {
      return "closed";
    }
  }

  /** What the relay sent within the socket's timeout; "closed" at end of stream; null for nothing. */
  private static String readSome(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    try {
      int n = in.read(buffer);
      return n < 0 ? "closed" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    } catch (SocketTimeoutException nothingYet) {
      return null;
    }
  }

  @Test
  void aRequestHeadThatNeverEndsOrNeverStartsIsCutOff() throws Exception {
    try (Socket slowloris = new Socket("127.0.0.1", relay.port());
        Socket silent = new Socket("127.0.0.1", relay.port())) {
      slowloris.setSoTimeout(500);
      silent.setSoTimeout(500);
      OutputStream out = slowloris.getOutputStream();
      out.write("GET /hello HTTP/1.1\r\nHost: relay\r\nX-Drip: ".getBytes(StandardCharsets.US_ASCII));
      long began = System.nanoTime();
      String headAnswer = null;
      String silentAnswer = null;
      while ((headAnswer == null || silentAnswer == null) && System.nanoTime() - began < Duration.ofSeconds(10).toNanos()) {
        if (headAnswer == null) {
          headAnswer = readSome(slowloris.getInputStream());
          if (headAnswer == null) {
            try {
              out.write('a'); // a header byte every half second keeps Pekko's idle timeout away
              out.flush();
            } catch (IOException closed) {
              headAnswer = "closed";
            }
          }
        }
        if (silentAnswer == null) {
          silentAnswer = readSome(silent.getInputStream());
        }
      }
      long tookMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      assertTrue(headAnswer != null && headAnswer.startsWith("HTTP/1.1 408"), "slowloris got: " + headAnswer);
      assertTrue(silentAnswer != null && silentAnswer.startsWith("HTTP/1.1 408"), "silent got: " + silentAnswer);
      assertTrue(tookMillis < 8_000, "cut off after " + tookMillis + " ms (deadline 3 s)");
    }
  }

  // ---- finding 4: strangers cannot wedge a mailbox -----------------------------------------

  /** A HEAD-layout envelope from {@code from} to {@code to} with its metadata replaced. */
  private static String withMetadata(EncryptionEnvelope e, String messageHash, String encryptedMessageHash) {
    EnvelopeMetadata m = e.metadata();
    EnvelopeMetadata changed =
        new EnvelopeMetadata(
            m.version(), m.encryptionScheme(), m.encryptedDeliveryInformation(), null, messageHash, encryptedMessageHash, m.signature(), null);
    return EnvelopeBuilder.submitRequest(new EncryptionEnvelope(e.message(), changed, null, null));
  }

  private static EncryptionEnvelope envelope(WalletUser from, WalletUser to, String text) {
    return EnvelopeBuilder.textMessage(
        from.name(), to.name(), text, System.currentTimeMillis(), from.keys().signing(), to.keys().encryption().publicKey(), relayKey);
  }

  @Test
  void messageHashesMustHaveTheirProtocolForm() throws Exception {
    WalletUser sender = signedUp();
    WalletUser receiver = signedUp();
    EncryptionEnvelope e = envelope(sender, receiver, "hello");
    HttpResponse<String> huge = send("POST", "/rpc", withMetadata(e, "0x" + "ab".repeat(30_000), null), null);
    assertEquals(400, huge.statusCode(), huge.body());
    assertEquals(400, submitStatus(withMetadata(e, "0xAB" + "cd".repeat(31), null)), "upper-case hex");
    assertEquals(400, submitStatus(withMetadata(e, "not a hash", null)));
    // npm 1.7.1 layout: the relay checks encryptedMessageHash against the message
    String wrong = Hashes.sha256Hex("another message");
    HttpResponse<String> mismatch = send("POST", "/rpc", withMetadata(e, null, wrong), null);
    assertEquals(400, mismatch.statusCode());
    assertEquals(-32000, Json.parse(mismatch.body()).path("error").path("code").asInt());
    String right = Hashes.sha256Hex(Json.quote(e.message()));
    assertEquals(200, submitStatus(withMetadata(e, null, right)));
  }

  @Test
  void noSenderTakesMoreThanItsShareOfSomeonesMailbox() throws Exception {
    WalletUser receiver = signedUp();
    WalletUser flooder = signedUp();
    String bulk = "x".repeat(40_000); // ~55 KB stored: three fit a 10 % share of 2 MiB
    int accepted = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 6 && refused == null; i++) {
      HttpResponse<String> r = send("POST", "/rpc", TestClient.envelope(flooder, receiver, relayKey, bulk + i).requestBody(), null);
      if (r.statusCode() == 200) {
        accepted++;
      } else {
        refused = r;
      }
    }
    assertEquals(3, accepted);
    assertEquals(400, refused.statusCode());
    assertEquals(-32005, Json.parse(refused.body()).path("error").path("code").asInt(), refused.body());
    WalletUser friend = signedUp();
    assertEquals("OK", submit(friend, receiver, "others still get through"));
  }

  @Test
  void oneAcknowledgementMayNameAWholeFullMailbox() throws Exception {
    WalletUser receiver = signedUp();
    String token = TestClient.login(relay.baseUrl(), receiver);
    StringBuilder body = new StringBuilder("{\"acknowledgements\":[");
    for (int i = 0; i < 10_000; i++) { // the quota, each with a long sender name
      if (i > 0) {
        body.append(',');
      }
      body.append("{\"contactAddress\":\"")
          .append(String.format("%05d", i))
          .append("a".repeat(240))
          .append(".eth\",\"messageHash\":\"")
          .append(Hashes.sha256Hex("m" + i))
          .append("\"}");
    }
    body.append("]}");
    assertTrue(body.length() > 3_000_000, "a sync of " + body.length() + " bytes");
    HttpResponse<String> acked =
        send("POST", "/delivery/messages/" + receiver.name() + "/syncAcknowledgements/", body.toString(), token);
    assertEquals(200, acked.statusCode(), acked.body());

    // but no name longer than a sender's may come with it, and no other route takes such a body
    String longName = "{\"acknowledgements\":[{\"contactAddress\":\"" + "n".repeat(100_000) + ".eth\",\"messageHash\":\"0x00\"}]}";
    assertEquals(400, send("POST", "/delivery/messages/" + receiver.name() + "/syncAcknowledgements/", longName, token).statusCode());
    assertEquals(413, send("POST", "/profile/" + receiver.name(), body.toString(), null).statusCode());
  }

  // ---- finding 5: bounded fan-out ----------------------------------------------------------

  @Test
  void anAccountHoldsAFewSocketsAndStalledOnesCannotHoardMemory() throws Exception {
    WalletUser user = signedUp();
    String token = TestClient.login(relay.baseUrl(), user);
    List<TestSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        sockets.add(TestSocket.connect(relay.baseUrl(), user.name(), token));
      }
      String account = dev.dm3relay.node.mailbox.MailboxAddress.checksummed(user.address());
      assertEquals(3, relay.live().connectionCount(account), "three sockets per account here");
      assertEquals("disconnect", sockets.get(0).awaitEnd(Duration.ofSeconds(5)), "the oldest goes first");
      assertEquals("disconnect", sockets.get(1).awaitEnd(Duration.ofSeconds(5)));

      // Three stalled sockets and a stream of large messages: each socket holds at most its own
      // buffer (256 KiB here) before it is dropped as a slow client.
      sockets.forEach(TestSocket::close);
      sockets.clear();
      for (int i = 0; i < 3; i++) {
        sockets.add(TestSocket.connectAndStall(relay.baseUrl(), user.name(), token));
      }
      long peak = 0;
      int pushed = 0;
      for (int i = 0; i < 20; i++) {
        WalletUser from = signedUp(); // one sender each: a sender's share is two of these
        if (send("POST", "/rpc", TestClient.envelope(from, user, relayKey, "y".repeat(68_000) + i).requestBody(), null).statusCode() == 200) {
          pushed++;
        }
        peak = Math.max(peak, relay.live().queuedBytes());
      }
      System.out.printf("%d messages of ~95 kB to 3 stalled sockets: peak queued %,d bytes on the node%n", pushed, peak);
      assertTrue(pushed >= 15, "pushed " + pushed);
      assertTrue(peak <= 3 * (256L * 1024 + 100_000), "queued " + peak);
      // The stalled clients cannot see it (they read nothing), but the relay dropped them.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (relay.live().connectionCount(account) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(0, relay.live().connectionCount(account), "clients that do not read are dropped");
    } finally {
      sockets.forEach(TestSocket::close);
    }
  }

  // ---- finding 6: listings are streamed and bounded ----------------------------------------

  @Test
  void fetchesStreamTheirBodiesAndAreBoundedPerMailbox() throws Exception {
    WalletUser receiver = signedUp();
    String token = TestClient.login(relay.baseUrl(), receiver);
    for (int i = 0; i < 30; i++) {
      WalletUser from = signedUp();
      assertEquals("OK", submit(from, receiver, "z".repeat(40_000) + i));
    }
    // Two fetches whose clients do not read hold the mailbox's two listing slots.
    List<Socket> stalled = new ArrayList<>();
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 2; i++) {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", relay.port()));
        s.getOutputStream()
            .write(("GET " + incoming(receiver.name()) + " HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        stalled.add(s);
      }
      Thread.sleep(1_000);
      HttpResponse<String> third = send("GET", incoming(receiver.name()), null, token);
      assertEquals(503, third.statusCode(), "a third listing of one mailbox at once");
      assertEquals("1", third.headers().firstValue("Retry-After").orElse(""));
      // Other mailboxes and submits are untouched.
      WalletUser other = signedUp();
      assertEquals("OK", submit(receiver, other, "still delivering"));
      assertEquals(200, send("GET", incoming(other.name()), null, TestClient.login(relay.baseUrl(), other)).statusCode());
      String head = readHead(stalled.get(0).getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 200") && head.toLowerCase().contains("transfer-encoding: chunked"), head);
      // Clients that take nothing for the idle timeout (2 s here) lose their listing: the slots
      // come back while those sockets are still open, and that is no ERROR.
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      int status;
      do {
        Thread.sleep(500);
        status = send("GET", incoming(receiver.name()), null, token).statusCode();
      } while (status == 503 && System.nanoTime() < deadline);
      assertEquals(200, status);
      assertEquals(List.of(), logs.linesAt(Level.ERROR));
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  void aKeepAliveConnectionMayIdleBetweenRequestsAndPipelineThem() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", relay.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      String hello = "GET /hello HTTP/1.1\r\nHost: relay\r\n\r\n";
      out.write(hello.getBytes(StandardCharsets.US_ASCII));
      assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 200"));
      Thread.sleep(4_000); // longer than the read timeout (3 s): idle between requests is fine
      out.write((hello + hello).getBytes(StandardCharsets.US_ASCII)); // two at once
      assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 200"));
      assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 200"));
    }
  }

  /** One response of a known length ("Hello DM3"): head and body. */
  private static String readResponse(InputStream in) throws IOException {
    String head = readHead(in);
    java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
    assertTrue(length.find(), head);
    return head + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.US_ASCII);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n") && head.length() < 4096) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  // ---- finding 7: client errors are 4xx, never an ERROR line -------------------------------

  @Test
  void whateverAClientSendsIsAClientErrorAndNeverAnErrorLine() throws Exception {
    WalletUser user = signedUp();
    String token = TestClient.login(relay.baseUrl(), user);
    String overflow = "1e9999999999";
    try (LogCapture logs = new LogCapture()) {
      for (String[] request :
          List.of(
              new String[] {"/rpc", "{\"jsonrpc\":\"2.0\",\"method\":\"dm3_submitMessage\",\"params\":[" + overflow + "]}"},
              new String[] {"/rpc", "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"id\":" + overflow + "}"},
              new String[] {"/auth/" + user.name(), "{\"signature\":" + overflow + ",\"challenge\":\"x\"}"},
              new String[] {"/profile/" + user.name(), "{\"profile\":" + overflow + "}"},
              new String[] {"/delivery/messages/" + user.name() + "/syncAcknowledgements/", "{\"acknowledgements\":[" + overflow + "]}"})) {
        HttpResponse<String> r = send("POST", request[0], request[1], token);
        assertEquals(400, r.statusCode(), request[0] + " " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").contains("json"));
      }
      String inner = withMetadata(envelope(user, user, "hi"), "0x" + "ab".repeat(32), null);
      String numberInEnvelope = inner.replace("\\\"version\\\":\\\"v1\\\"", "\\\"version\\\":\\\"v1\\\",\\\"n\\\":" + overflow);
      assertNotEquals(inner, numberInEnvelope);
      assertEquals(400, submitStatus(numberInEnvelope));

      // Empty and malformed routing names, over-long hashes.
      for (String from : List.of("", "\ue000.eth", "x".repeat(300) + ".eth")) {
        assertEquals(400, submitStatus(withRouting(user, user, from)), "from = " + from);
      }
      // Profiles with keys that cannot work.
      for (String key : List.of(Base64.getEncoder().encodeToString(new byte[32]), Base64.getEncoder().encodeToString(new byte[33]), "not base64!")) {
        WalletUser owner = WalletUser.create();
        UserProfile p = new UserProfile(key, owner.profile().profile().publicSigningKey(), List.of("ds.dm3.eth"));
        SignedUserProfile signed = ProfileSignature.sign(owner.wallet(), p);
        HttpResponse<String> r = send("POST", "/profile/" + owner.name(), signed.canonical(), null);
        assertEquals(400, r.statusCode(), key + ": " + r.body());
      }

      // A socket: a JSON number overflow in an event, and a message over the frame limit.
      try (TestSocket socket = TestSocket.connect(relay.baseUrl(), user.name(), token)) {
        socket.sendRaw("42[\"submitMessage\",{\"envelop\":" + overflow + "}]");
        String end = socket.awaitEnd(Duration.ofSeconds(5));
        assertTrue(end.startsWith("closed") || end.equals("disconnect"), end);
      }
      int warnsBefore = logs.linesAt(Level.WARN).size();
      try (TestSocket socket = TestSocket.connect(relay.baseUrl(), user.name(), token)) {
        socket.sendRaw("42[\"submitMessage\",\"" + "q".repeat((int) relay.settings().bodyLimit() + 10) + "\"]");
        String end = socket.awaitEnd(Duration.ofSeconds(10));
        assertTrue(end.startsWith("closed 1009"), end);
      }
      // frames sent before the server's 101 cannot be followed: 1002
      String early = sendUpgradeWithEarlyFrame();
      assertTrue(early.contains("HTTP/1.1 101"), early);
      List<String> warns = logs.linesAt(Level.WARN).subList(warnsBefore, logs.linesAt(Level.WARN).size());
      assertEquals(1, warns.stream().filter(l -> l.contains("1009")).count(), String.join("\n", warns));
      assertEquals(1, warns.stream().filter(l -> l.contains("1002")).count(), String.join("\n", warns));
      assertEquals(List.of(), logs.linesAt(Level.ERROR), "no ERROR line for anything a client sent");
      assertTrue(logs.lines().stream().noneMatch(l -> l.contains("\tat ")), "no stack trace");
    }
  }

  /** A WebSocket upgrade request with a (masked) frame right behind it, in one write. */
  private static String sendUpgradeWithEarlyFrame() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", relay.port())) {
      socket.setSoTimeout(5_000);
      byte[] head =
          ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      byte[] frame = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, '4' ^ 1, '0' ^ 2};
      byte[] both = new byte[head.length + frame.length];
      System.arraycopy(head, 0, both, 0, head.length);
      System.arraycopy(frame, 0, both, head.length, frame.length);
      socket.getOutputStream().write(both);
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException stillOpen) {
      return "still open";
    }
  }

  /** A request whose routing data (sealed for this relay) names {@code from} as the sender. */
  private static String withRouting(WalletUser sender, WalletUser to, String from) {
    EncryptionEnvelope e = envelope(sender, to, "routing");
    String routing =
        EnvelopeBuilder.seal(EnvelopeBuilder.Sealer.random(), relayKey, new DeliveryInformation(to.name(), from).canonical());
    EnvelopeMetadata m = e.metadata();
    EnvelopeMetadata changed =
        new EnvelopeMetadata(m.version(), m.encryptionScheme(), routing, null, m.messageHash(), m.encryptedMessageHash(), m.signature(), null);
    return EnvelopeBuilder.submitRequest(new EncryptionEnvelope(e.message(), changed, null, null));
  }

  // ---- finding 8: nothing secret in logs ---------------------------------------------------

  @Test
  void aMalformedAuthorizationHeaderDoesNotPutItsTokenInTheLog() throws Exception {
    WalletUser user = signedUp();
    String token = TestClient.login(relay.baseUrl(), user);
    try (LogCapture logs = new LogCapture();
        Socket socket = new Socket("127.0.0.1", relay.port())) {
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write(("GET " + incoming(user.name()) + " HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer " + token + " " + token
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
      Thread.sleep(200);
      String tokenSignature = token.substring(token.lastIndexOf('.') + 1);
      for (String line : logs.lines()) {
        assertFalse(line.contains(tokenSignature), "a log line holds the token: " + line);
      }
    }
  }

  @Test
  void twoRelaysStartingAtOnceOnOneDataDirAgreeOnOneIdentity() throws Exception {
    java.nio.file.Path file =
        java.nio.file.Path.of("target", "test-data", "identity-race-" + java.util.UUID.randomUUID(), "identity.json");
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    try {
      List<CompletableFuture<String>> keys = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        keys.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  return dev.dm3relay.node.identity.IdentityStore.fromFile(file).signingPublicKeyBase64();
                },
                pool));
      }
      go.countDown();
      String fromFile = dev.dm3relay.node.identity.IdentityStore.fromFile(file).signingPublicKeyBase64();
      for (CompletableFuture<String> key : keys) {
        assertEquals(fromFile, key.get(20, TimeUnit.SECONDS), "every starter uses the identity that is on disk");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theSameAccountKeepsOneMailboxWhateverTheSpelling() throws Exception {
    // A guard for the spellings above: the token of one spelling opens only that spelling.
    WalletUser user = signedUp();
    String token = TestClient.login(relay.baseUrl(), user);
    assertEquals(200, send("GET", incoming(user.name()), null, token).statusCode());
    assertNotEquals(200, send("GET", incoming(user.address()), null, token).statusCode());
    JsonNode profile = Json.parse(send("GET", "/profile/" + user.address(), null, null).body());
    assertEquals(user.profile().canonical(), dev.dm3relay.protocol.json.CanonicalJson.stringify(profile));
  }

  @Test
  void withoutAnAdminTokenThereIsNoAdminApi() throws Exception {
    for (String path : new String[] {"/admin/cluster", "/admin/blocked-senders", "/admin/mailboxes/" + WalletUser.create().address()}) {
      HttpResponse<String> none = TestClient.send(relay.managementUrl(), "GET", path, null, "anything-at-all-0123456789");
      assertEquals(404, none.statusCode(), path);
      assertTrue(none.body().contains("\"code\""), "a JSON error: " + none.body());
    }
    HttpResponse<String> metrics = TestClient.send(relay.managementUrl(), "GET", "/metrics", null, null);
    assertEquals(200, metrics.statusCode(), "metrics need no token: they name no user");
  }
}
