package dev.dm3relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Black-box: a few thousand mutated requests (bytes flipped, cut, repeated, JSON specials and odd
 * path segments put in, lengths that lie, headers doubled or broken) from the valid requests a dm3
 * client makes, sent over raw sockets at a whole relay on a real Cassandra. Throughout, every answer
 * is below 500 or a documented 503, the relay stays ready, and a canary account's submit and fetch
 * keep working. The seed is printed, so a failure replays.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class MutatedRequestsTest {

  private static final int REQUESTS = 3_000;
  private static final int THREADS = 16;

  private static Relay relay;
  private static byte[] relayKey;

  @BeforeAll
  static void start() {
    relay = TestRelays.start(Map.of("dm3relay.api.request-read-timeout", "1s"));
    relayKey = relay.identity().encryption().publicKey();
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void mutatedRequestsNeverGetA5xxAndTheCanaryKeepsItsMail() throws Exception {
    long seed = Long.getLong("mutation.seed", System.nanoTime());
    System.out.println("MutatedRequestsTest seed " + seed + " (-Dmutation.seed=" + seed + " replays it)");
    WalletUser canary = WalletUser.create();
    WalletUser sender = WalletUser.create();
    WalletUser target = WalletUser.create();
    assertEquals(200, TestClient.register(relay.baseUrl(), canary).statusCode());
    assertEquals(200, TestClient.register(relay.baseUrl(), target).statusCode());
    String token = TestClient.login(relay.baseUrl(), canary);
    // the storm's authorized requests are another account's: a mailbox streams at most 2 fetches
    // at once (a documented 503 beyond), and the canary shows that other users are undisturbed
    List<byte[]> seeds = seeds(target, sender, TestClient.login(relay.baseUrl(), target));

    ConcurrentMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger sent = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < THREADS; w++) {
      Random random = new Random(seed + w);
      workers.add(
          pool.submit(
              () -> {
                while (sent.incrementAndGet() <= REQUESTS) {
                  byte[] request = mutate(seeds.get(random.nextInt(seeds.size())), random);
                  int status = exchange(request);
                  statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                  if (status >= 500 && status != 503) {
                    bad.add(status + " for " + printable(request));
                  }
                }
                return null;
              }));
    }
    int canaryRounds = 0;
    while (workers.stream().anyMatch(f -> !f.isDone())) {
      canaryRounds++;
      assertCanaryWorks(sender, canary, token);
      assertEquals(200, TestClient.send(relay.managementUrl(), "GET", "/ready", null, null).statusCode(), "ready throughout");
      Thread.sleep(200);
    }
    for (Future<?> f : workers) {
      f.get();
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    System.out.println("MutatedRequestsTest statuses " + new TreeMap<>(statuses) + ", canary rounds " + canaryRounds);
    assertEquals(List.of(), bad.subList(0, Math.min(bad.size(), 10)), "no 5xx but the documented 503");
    assertTrue(canaryRounds >= 3, "the canary ran during the storm: " + canaryRounds);
    assertTrue(statuses.getOrDefault(200, new AtomicInteger()).get() > 0, "some mutations stay valid: " + statuses);
    assertTrue(statuses.keySet().stream().anyMatch(s -> s >= 400 && s < 500), "most are refused: " + statuses);
    assertCanaryWorks(sender, canary, token);
  }

  private static void assertCanaryWorks(WalletUser sender, WalletUser canary, String token) throws Exception {
    TestClient.Submission submission = TestClient.envelope(sender, canary, relayKey, "canary " + System.nanoTime());
    var submitted = TestClient.send(relay.baseUrl(), "POST", "/rpc", submission.requestBody(), null);
    assertEquals(200, submitted.statusCode(), submitted.body());
    assertTrue(TestClient.incomingHashes(relay.baseUrl(), canary, token).contains(submission.ackHash()), "the canary's mail is there");
  }

  /** The requests a dm3 client makes, valid, as raw HTTP/1.1. */
  private static List<byte[]> seeds(WalletUser target, WalletUser sender, String token) {
    String name = target.name();
    String submit = TestClient.envelope(sender, target, relayKey, "seed").requestBody();
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(request("POST", "/rpc", submit, null));
    seeds.add(request("POST", "/rpc", "{\"jsonrpc\":\"2.0\",\"method\":\"dm3_getDeliveryServiceProperties\",\"params\":[]}", null));
    seeds.add(request("POST", "/rpc", "{\"jsonrpc\":\"2.0\",\"method\":\"dm3_getProfileExtension\",\"params\":[" + Json.quote(name) + "]}", null));
    seeds.add(request("GET", "/profile/" + name, null, null));
    seeds.add(request("POST", "/profile/" + WalletUser.create().name(), WalletUser.create().profile().canonical(), null));
    seeds.add(request("GET", "/auth/" + name, null, null));
    seeds.add(request("POST", "/auth/" + name, "{\"signature\":\"AAAA\",\"challenge\":\"x.y.z\"}", null));
    seeds.add(request("GET", "/delivery/messages/incoming/" + name, null, token));
    seeds.add(request("GET", "/delivery/messages/" + name + "/contact/" + sender.name(), null, token));
    seeds.add(
        request(
            "POST",
            "/delivery/messages/" + name + "/syncAcknowledgements",
            "{\"acknowledgements\":[{\"contactAddress\":" + Json.quote(sender.name()) + ",\"messageHash\":\"0x00\"}]}",
            token));
    seeds.add(request("GET", "/delivery/spamFilterRules/" + name, null, token));
    seeds.add(request("POST", "/delivery/spamFilterRules/" + name, "{\"minNonce\":0}", token));
    seeds.add(request("GET", "/delivery-service-profile", null, null));
    seeds.add(request("GET", "/metrics", null, null));
    seeds.add(request("GET", "/hello", null, null));
    seeds.add(request("OPTIONS", "/rpc", null, null));
    seeds.add(
        ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    return seeds;
  }

  private static byte[] request(String method, String path, String body, String token) {
    byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static final byte[][] SPECIALS = {
    "\"".getBytes(), "\\".getBytes(), "{".getBytes(), "}".getBytes(), "[".getBytes(), "]".getBytes(), ":".getBytes(),
    ",".getBytes(), "null".getBytes(), "1e999999".getBytes(), "-0".getBytes(), "\\u0000".getBytes(), "%00".getBytes(),
    "%2F".getBytes(), "%".getBytes(), "..".getBytes(), "\r\n".getBytes(), "\u0663".getBytes(StandardCharsets.UTF_8),
    "\uFFFD".getBytes(StandardCharsets.UTF_8), "\u00df".getBytes(StandardCharsets.UTF_8), " ".getBytes(),
    "A".repeat(300).getBytes(),
  };

  /**
   * One to four mutations: flip a byte, cut, insert a special, duplicate a slice, or break the
   * head (a lying Content-Length, a doubled or junk header). The body's Content-Length is left as
   * it was, so most mutations also make the length lie a little, which the server must survive.
   */
  private static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    int rounds = 1 + random.nextInt(4);
    for (int r = 0; r < rounds && b.length > 0; r++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(7)) {
        case 0 -> b[at] = (byte) random.nextInt(256);
        case 1 -> b = java.util.Arrays.copyOf(b, Math.max(1, at));
        case 2 -> b = splice(b, at, SPECIALS[random.nextInt(SPECIALS.length)]);
        case 3 -> {
          int len = Math.min(b.length - at, 1 + random.nextInt(64));
          b = splice(b, at, java.util.Arrays.copyOfRange(b, at, at + len));
        }
        case 4 -> b = headerLine(b, "Content-Length: " + (random.nextBoolean() ? random.nextInt(200) : random.nextInt(Integer.MAX_VALUE)));
        case 5 -> b = headerLine(b, random.nextBoolean() ? "Authorization: Bearer x.y.z" : "Transfer-Encoding: chunked");
        default -> b = headerLine(b, "X-" + random.nextInt(1000) + ": " + "\u0001".repeat(random.nextInt(3)) + "v");
      }
    }
    return b;
  }

  private static byte[] splice(byte[] b, int at, byte[] insert) {
    byte[] out = new byte[b.length + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at, out, at + insert.length, b.length - at);
    return out;
  }

  /** Puts a header line right after the request line (if there is one). */
  private static byte[] headerLine(byte[] b, String line) {
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int eol = text.indexOf("\r\n");
    if (eol < 0) {
      return b;
    }
    return splice(b, eol + 2, (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Sends one request and returns the answer's status: 0 when the connection closed or stayed
   * silent without an answer (allowed: a request the HTTP parser cannot frame may be dropped, and
   * one that promises more body than it sends waits for the read timeout, then gets 408 or a close).
   */
  private static int exchange(byte[] request) {
    try (Socket socket = new Socket("127.0.0.1", relay.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush(); // no half-close: the server closes a half-closed connection at once
      InputStream in = socket.getInputStream();
      byte[] head = new byte[12];
      int read = 0;
      while (read < head.length) {
        int n = in.read(head, read, head.length - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      String status = new String(head, 0, read, StandardCharsets.ISO_8859_1);
      if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
        return 0;
      }
      return Integer.parseInt(status.substring(9, 12));
    } catch (SocketTimeoutException e) {
      return 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String printable(byte[] request) {
    String text = new String(request, StandardCharsets.UTF_8);
    return text.length() > 400 ? text.substring(0, 400) + "…" : text;
  }
}
