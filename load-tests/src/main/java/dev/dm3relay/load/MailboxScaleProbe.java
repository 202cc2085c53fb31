package dev.dm3relay.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.sender.WalletUser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * Measurements of mailbox scale that are not a request rate (issue 16 point 3), run by {@code
 * ops/bench bigbox} and {@code ops/bench accounts}; {@code -Dprobe} picks one.
 *
 * <ul>
 *   <li><b>bigbox</b>: one mailbox filled to its quota ({@code -Dbigbox.messages}, 10,000 envelopes
 *       of {@code -DenvelopeBytes}) from {@code -Dsenders} senders (the per-sender share of the quota
 *       needs at least ten). Then for {@code -Dduration} s other mailboxes receive open-loop submits
 *       at {@code -Drate}/s while the big mailbox is fetched {@code -Dbigbox.fetches} times, one
 *       after another, from the middle of the run: time to first and last byte of each fetch, the
 *       relay's heap (sum of {@code jvm_memory_used_bytes{area="heap"}} from {@code -Dmetrics.url},
 *       every 100 ms) before and at most during the fetches, and the submits' latency split into
 *       those sent while a fetch streamed and the rest.
 *   <li><b>accounts</b>: {@code -Daccounts.count} accounts (100,000) signed up, then one envelope to
 *       each of {@code -Daccounts.active} (10,000) of them so that their mailboxes are awake. After
 *       each step the relay's heap after a full GC ({@code jcmd <-Drelay.pid> GC.run}) and its RSS
 *       ({@code /proc/<pid>/status}): the differences per account and per awake mailbox.
 * </ul>
 *
 * <p>Both print {@code [probe] load started} when the measured part begins and write {@code
 * <probe>.json} into {@code -Dbench.output}, as the Gatling simulations do.
 */
public final class MailboxScaleProbe {

  private final BenchConfig config = BenchConfig.fromSystemProperties();
  private final String metricsUrl = BenchConfig.text("metrics.url", "");
  private final long relayPid = (long) BenchConfig.number("relay.pid", 0);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  private final RelayClient relay;
  private final String runId = BenchConfig.text("runId", Long.toString(System.currentTimeMillis(), 36));
  private final Random random = new Random(runId.hashCode());

  private MailboxScaleProbe() {
    this.relay = new RelayClient(config.baseUrl());
  }

  public static void main(String[] args) throws Exception {
    MailboxScaleProbe probe = new MailboxScaleProbe();
    String which = BenchConfig.text("probe", "bigbox");
    ObjectNode result =
        switch (which) {
          case "bigbox" -> probe.bigMailbox();
          case "accounts" -> probe.accounts();
          default -> throw new IllegalArgumentException("-Dprobe must be bigbox or accounts, not " + which);
        };
    Path file = Path.of(probe.config.outputDir(), which + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, result.toPrettyString() + "\n", StandardCharsets.UTF_8);
    System.out.println("[probe] " + result);
    System.out.println("[probe] summary written to " + file.toAbsolutePath());
    System.exit(0);
  }

  // ---- bigbox ---------------------------------------------------------------------------------

  private ObjectNode bigMailbox() throws Exception {
    int messages = (int) BenchConfig.number("bigbox.messages", 10_000);
    int fetches = (int) BenchConfig.number("bigbox.fetches", 3);
    double rate = config.rate();
    long seconds = config.duration().toSeconds();
    List<WalletUser> senders = users(config.senders());
    List<WalletUser> others = users(Math.max(1, config.recipients()));
    WalletUser big = users(1).get(0);
    List<WalletUser> everyone = new ArrayList<>(senders);
    everyone.addAll(others);
    everyone.add(big);
    RelayClient.parallel(everyone, 8, u -> {
      relay.signUp(u);
      return null;
    });
    String token = relay.login(big);
    byte[] dsKey = relay.deliveryServiceEncryptionKey();

    long t0 = System.nanoTime();
    EnvelopeFactory fill = new EnvelopeFactory(senders, List.of(big), dsKey, runId + "-big", config.envelopeBytes());
    List<PreparedEnvelope> filling = fill.generate(0, messages, config.generatorThreads());
    List<Boolean> accepted = RelayClient.parallel(filling, 16, relay::submit);
    long refused = accepted.stream().filter(ok -> !ok).count();
    System.out.printf("[probe] big mailbox filled with %d envelopes (%d refused) in %.1f s%n", messages - refused, refused, (System.nanoTime() - t0) / 1e9);

    EnvelopeFactory background = new EnvelopeFactory(senders, others, dsKey, runId + "-other", config.envelopeBytes());
    List<PreparedEnvelope> load = background.generate(0, (int) Math.ceil(rate * (seconds + 5)), config.generatorThreads());

    // the relay's heap, sampled through the whole measured part
    List<long[]> heap = java.util.Collections.synchronizedList(new ArrayList<>());
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
    if (!metricsUrl.isEmpty()) {
      timers.scheduleAtFixedRate(() -> {
        long h = heapUsed();
        if (h > 0) {
          heap.add(new long[] {System.nanoTime(), h});
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
    }
    LatencyHistogram duringFetch = new LatencyHistogram();
    LatencyHistogram outsideFetch = new LatencyHistogram();
    LongAdder failed = new LongAdder();
    AtomicBoolean fetching = new AtomicBoolean();
    AtomicInteger next = new AtomicInteger();
    AtomicLong inFlight = new AtomicLong();
    System.out.println("[probe] load started");
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    // open model: every millisecond, the submits due by now
    timers.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      if (now >= end) {
        return;
      }
      long due = (long) ((now - start) / 1e9 * rate);
      while (next.get() < due && next.get() < load.size()) {
        PreparedEnvelope e = load.get(next.getAndIncrement());
        boolean during = fetching.get();
        long sent = System.nanoTime();
        inFlight.incrementAndGet();
        http.sendAsync(post(e.body()), HttpResponse.BodyHandlers.discarding())
            .whenComplete((r, t) -> {
              inFlight.decrementAndGet();
              if (t != null || r.statusCode() != 200) {
                failed.increment();
              } else {
                (during || fetching.get() ? duringFetch : outsideFetch).record(System.nanoTime() - sent);
              }
            });
      }
    }, 0, 1, TimeUnit.MILLISECONDS);

    Thread.sleep(seconds * 1000 / 3);
    List<ObjectNode> fetchResults = new ArrayList<>();
    long fetchStart = System.nanoTime();
    for (int i = 0; i < fetches && System.nanoTime() < end; i++) {
      fetching.set(true);
      fetchResults.add(fetch(big, token));
      fetching.set(false);
      Thread.sleep(1000);
    }
    long fetchEnd = System.nanoTime();
    while (System.nanoTime() < end + 10_000_000_000L && (System.nanoTime() < end || inFlight.get() > 0)) {
      Thread.sleep(50);
    }
    timers.shutdownNow();

    ObjectNode out = dev.dm3relay.protocol.json.Json.newObject();
    out.put("probe", "bigbox");
    out.put("runId", runId);
    out.put("messages", messages - refused);
    out.put("envelopeBytes", filling.get(0).envelopeBytes());
    out.put("senders", senders.size());
    out.put("otherMailboxes", others.size());
    out.put("rate", rate);
    out.put("durationSeconds", seconds);
    out.put("submitsSent", next.get());
    out.put("submitsFailed", failed.sum());
    var fetchArray = out.putArray("fetches");
    fetchResults.forEach(fetchArray::add);
    BenchSummary.putLatency(out.putObject("submitsDuringFetch"), duringFetch);
    BenchSummary.putLatency(out.putObject("submitsOtherwise"), outsideFetch);
    if (!heap.isEmpty()) {
      long before = heap.stream().filter(s -> s[0] < fetchStart).mapToLong(s -> s[1]).max().orElse(-1);
      long during = heap.stream().filter(s -> s[0] >= fetchStart && s[0] <= fetchEnd).mapToLong(s -> s[1]).max().orElse(-1);
      out.put("heapMaxBeforeFetchesMiB", mib(before));
      out.put("heapMaxDuringFetchesMiB", mib(during));
    }
    return out;
  }

  /** One full listing of the big mailbox: time to first and last byte, bytes, messages. */
  private ObjectNode fetch(WalletUser user, String token) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(config.baseUrl().resolve(config.baseUrl().getRawPath() + "/delivery/messages/incoming/" + user.name()))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofMinutes(5))
            .GET()
            .build();
    long t0 = System.nanoTime();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    long firstByte = 0;
    long bytes = 0;
    int messages = 0;
    byte[] marker = "messageHash".getBytes(StandardCharsets.US_ASCII);
    int matched = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = response.body()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        if (bytes == 0) {
          firstByte = System.nanoTime();
        }
        bytes += n;
        for (int i = 0; i < n; i++) {
          // counts the envelopes' metadata.messageHash keys as they stream past (no parse, no copy)
          matched = buffer[i] == marker[matched] ? matched + 1 : buffer[i] == marker[0] ? 1 : 0;
          if (matched == marker.length) {
            messages++;
            matched = 0;
          }
        }
      }
    }
    long last = System.nanoTime();
    ObjectNode f = dev.dm3relay.protocol.json.Json.newObject();
    f.put("status", response.statusCode());
    f.put("firstByteMs", Math.round((firstByte - t0) / 1e5) / 10.0);
    f.put("lastByteMs", Math.round((last - t0) / 1e5) / 10.0);
    f.put("bytes", bytes);
    f.put("messages", messages);
    System.out.printf("[probe] fetch: status %d, %d messages, %.1f MB, first byte %.0f ms, last byte %.0f ms%n",
        response.statusCode(), messages, bytes / 1e6, (firstByte - t0) / 1e6, (last - t0) / 1e6);
    return f;
  }

  private HttpRequest post(byte[] body) {
    return HttpRequest.newBuilder(config.baseUrl().resolve(config.baseUrl().getRawPath() + "/rpc"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  // ---- accounts -------------------------------------------------------------------------------

  private ObjectNode accounts() throws Exception {
    if (relayPid <= 0) {
      throw new IllegalArgumentException("accounts needs -Drelay.pid (a full GC before each heap reading)");
    }
    int count = (int) BenchConfig.number("accounts.count", 100_000);
    int active = (int) BenchConfig.number("accounts.active", 10_000);
    int threads = (int) BenchConfig.number("accounts.threads", 8);
    List<WalletUser> senders = users(Math.max(1, config.senders()));
    RelayClient.parallel(senders, 8, u -> {
      relay.signUp(u);
      return null;
    });
    byte[] dsKey = relay.deliveryServiceEncryptionKey();
    System.out.println("[probe] load started");
    ObjectNode out = dev.dm3relay.protocol.json.Json.newObject();
    out.put("probe", "accounts");
    out.put("runId", runId);
    out.put("accounts", count);
    out.put("activeMailboxes", active);
    long[] base = memory("before", out);

    long t0 = System.nanoTime();
    // accounts in slices, so that only one slice of keys is held at a time; the first `active`
    // are kept as the receivers of the next step
    List<WalletUser> receivers = new ArrayList<>();
    int slice = 5_000;
    for (int from = 0; from < count; from += slice) {
      List<WalletUser> batch = users(Math.min(slice, count - from));
      RelayClient.parallel(batch, threads, u -> {
        relay.signUp(u);
        return null;
      });
      for (WalletUser u : batch) {
        if (receivers.size() < active) {
          receivers.add(u);
        }
      }
      System.out.printf("[probe] %d accounts signed up (%.0f s)%n", from + batch.size(), (System.nanoTime() - t0) / 1e9);
    }
    out.put("signUpSeconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
    // a sign-up is a command to the account's mailbox entity, so the last ones are awake now:
    // measured once so, then after they passivated (idle-entity.timeout, 2 minutes by default)
    memory("registeredJustNow", out);
    long waitUntil = System.nanoTime() + (long) (BenchConfig.number("accounts.idleWaitSeconds", 240) * 1e9);
    while (metric("dm3_relay_mailboxes_active") > senders.size() && System.nanoTime() < waitUntil) {
      Thread.sleep(2000);
    }
    long[] registered = memory("registeredIdle", out);

    long t1 = System.nanoTime();
    EnvelopeFactory factory = new EnvelopeFactory(senders, receivers, dsKey, runId, config.envelopeBytes());
    List<PreparedEnvelope> one = factory.generate(0, receivers.size(), config.generatorThreads());
    // each of these submits wakes a mailbox that is asleep (recovery from Cassandra): timed, since
    // that is what every mailbox costs when its users come back after a restart
    LatencyHistogram waking = new LatencyHistogram();
    long t2 = System.nanoTime();
    List<Boolean> ok = RelayClient.parallel(one, threads, e -> {
      long sent = System.nanoTime();
      boolean accepted = relay.submit(e);
      waking.record(System.nanoTime() - sent);
      return accepted;
    });
    out.put("activeSubmitsRefused", ok.stream().filter(b -> !b).count());
    out.put("activateSeconds", Math.round((System.nanoTime() - t1) / 1e8) / 10.0);
    out.put("wakingSubmitsPerSecond", Math.round(one.size() / ((System.nanoTime() - t2) / 1e9)));
    BenchSummary.putLatency(out.putObject("wakingSubmits"), waking);
    long[] awake = memory("active", out);

    out.put("heapPerAccountBytes", count == 0 ? 0 : (registered[0] - base[0]) / count);
    out.put("rssPerAccountBytes", count == 0 ? 0 : (registered[1] - base[1]) / count);
    out.put("heapPerActiveMailboxBytes", active == 0 ? 0 : (awake[0] - registered[0]) / active);
    out.put("rssPerActiveMailboxBytes", active == 0 ? 0 : (awake[1] - registered[1]) / active);
    return out;
  }

  /** Heap after a full GC and RSS of the relay, in bytes; also put under {@code name}. */
  private long[] memory(String name, ObjectNode out) throws Exception {
    Process gc = new ProcessBuilder("jcmd", Long.toString(relayPid), "GC.run").redirectErrorStream(true).start();
    gc.getInputStream().readAllBytes();
    gc.waitFor(60, TimeUnit.SECONDS);
    Thread.sleep(500);
    long heapBytes = heapUsed();
    long rss = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + relayPid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    long awake = (long) metric("dm3_relay_mailboxes_active");
    ObjectNode m = out.putObject(name);
    m.put("heapAfterGcMiB", mib(heapBytes));
    m.put("rssMiB", mib(rss));
    m.put("mailboxesAwake", awake);
    System.out.printf("[probe] %s: heap after full GC %.1f MiB, RSS %.1f MiB, %d mailboxes awake%n", name, heapBytes / 1048576.0, rss / 1048576.0, awake);
    return new long[] {heapBytes, rss};
  }

  // ---- shared ---------------------------------------------------------------------------------

  private List<WalletUser> users(int n) {
    long[] seeds = IntStream.range(0, n).mapToLong(i -> random.nextLong()).toArray();
    return IntStream.range(0, n).parallel().mapToObj(i -> WalletUser.create(new Random(seeds[i]))).toList();
  }

  /** The sum of the relay's {@code jvm_memory_used_bytes{area="heap",…}} series; -1 when unreadable. */
  private long heapUsed() {
    return (long) metric("jvm_memory_used_bytes{", "area=\"heap\"");
  }

  /**
   * The sum of the relay's Prometheus series whose line starts with {@code name} and contains
   * every one of {@code labels}; -1 when the endpoint cannot be read.
   */
  private double metric(String name, String... labels) {
    if (metricsUrl.isEmpty()) {
      return -1;
    }
    try {
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      double sum = 0;
      lines:
      for (String line : r.body().split("\n")) {
        boolean series = name.endsWith("{") ? line.startsWith(name) : line.startsWith(name + " ") || line.startsWith(name + "{");
        if (!series) {
          continue;
        }
        for (String label : labels) {
          if (!line.contains(label)) {
            continue lines;
          }
        }
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
      return sum;
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static double mib(long bytes) {
    return bytes < 0 ? -1 : Math.round(bytes / 104857.6) / 10.0;
  }
}
