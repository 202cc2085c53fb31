package dev.dm3relay.node.warmup;

import com.typesafe.config.Config;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.sender.EnvelopeBuilder;
import dev.dm3relay.protocol.sender.WalletUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up warm-up. A fresh JVM runs the submit pipeline interpreted and half-compiled for its
 * first minutes (on the 2-core bench machine a fresh relay at 1,500/s accepted half of it in its
 * first minute: RESULTS.md), so before the node reports ready it drives its own pipeline, the real
 * one: synthetic envelopes built as a messenger builds them, posted to {@code /rpc} over loopback
 * HTTP to a listener on {@code 127.0.0.1} (ephemeral port, closed afterwards) that serves the same
 * routes without the per-client limits, buffered durably in real mailboxes on Cassandra.
 *
 * <p>The receivers are {@code accounts} accounts whose wallets derive from the relay's signing
 * key, so every start and every node of a cluster uses the same ones instead of adding new ones;
 * their mailboxes are purged when the warm-up ends. The synthetic submits count in no metric of the
 * API (their registry is a private one) and in no CSV row; the mailbox's journal-write timer does
 * see them. Failures are logged and end the warm-up early: it never keeps a node from starting.
 */
public final class StartupWarmUp {

  private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);

  /** {@code dm3relay.warm-up} (warmup.conf). */
  public record Settings(Duration duration, int concurrency, int accounts, int messageChars) {
    public Settings {
      if (duration.isNegative() || concurrency < 1 || accounts < 1 || messageChars < 1) {
        throw new IllegalArgumentException("WARMUP_DURATION must be 0s or more; concurrency, accounts and message-chars positive");
      }
    }

    public static Settings from(Config root) {
      Config c = root.getConfig("dm3relay.warm-up");
      return new Settings(c.getDuration("duration"), c.getInt("concurrency"), c.getInt("accounts"), c.getInt("message-chars"));
    }

    public boolean off() {
      return duration.isZero();
    }
  }

  /** What the warm-up did: submits answered 200, answered otherwise, not answered. */
  public record Report(long accepted, long refused, long failed, int purged, Duration took) {}

  private final Settings settings;
  private final DeliveryServiceIdentity identity;
  private final MailboxService mailboxes;

  public StartupWarmUp(Settings settings, DeliveryServiceIdentity identity, MailboxService mailboxes) {
    this.settings = settings;
    this.identity = identity;
    this.mailboxes = mailboxes;
  }

  /** The synthetic receivers: wallets derived from the signing key, the same on every start. */
  static List<WalletUser> accounts(DeliveryServiceIdentity identity, int count) {
    List<WalletUser> users = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      users.add(WalletUser.ofWallet(derive(identity, "dm3-relay warm-up receiver " + i)));
    }
    return users;
  }

  static WalletUser sender(DeliveryServiceIdentity identity) {
    return WalletUser.ofWallet(derive(identity, "dm3-relay warm-up sender"));
  }

  private static byte[] derive(DeliveryServiceIdentity identity, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(identity.signing().privateKey(), "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 runtime has HmacSHA256", e);
    }
  }

  /**
   * Drives synthetic submits at {@code baseUrl} (the loopback warm-up listener) for the configured
   * duration, then purges the synthetic mailboxes. Blocks the calling (start-up) thread.
   */
  public Report run(String baseUrl) {
    long began = System.nanoTime();
    List<WalletUser> receivers = accounts(identity, settings.accounts());
    WalletUser sender = sender(identity);
    ExecutorService pool = daemons(2, "dm3-warm-up-http");
    // one thread per request in flight: it builds its envelope, then waits for the answer
    ExecutorService senders = daemons(settings.concurrency(), "dm3-warm-up-sender");
    HttpClient client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).executor(pool).build();
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    int purged = 0;
    try {
      for (WalletUser receiver : receivers) {
        HttpResponse<String> r = post(client, baseUrl + "/profile/" + receiver.name(), receiver.profile().canonical());
        if (r.statusCode() != 200) {
          log.warn("Warm-up: registering a synthetic receiver answered {}; warm-up skipped", r.statusCode());
          return new Report(0, 0, 0, 0, Duration.ofNanos(System.nanoTime() - began));
        }
      }
      long deadline = System.nanoTime() + settings.duration().toNanos();
      List<CompletableFuture<Void>> loops = new ArrayList<>();
      for (int i = 0; i < settings.concurrency(); i++) {
        int first = i;
        loops.add(
            CompletableFuture.runAsync(
                () -> {
                  long n = first;
                  while (System.nanoTime() < deadline && failed.get() < 100) {
                    WalletUser to = receivers.get((int) (n % receivers.size()));
                    n += settings.concurrency();
                    try {
                      HttpResponse<String> r = post(client, baseUrl + "/rpc", submitBody(sender, to));
                      (r.statusCode() == 200 ? accepted : refused).incrementAndGet();
                    } catch (Exception e) {
                      failed.incrementAndGet();
                    }
                  }
                },
                senders));
      }
      CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new))
          .get(settings.duration().toSeconds() + 60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Warm-up ended early: {}", e.toString());
    } finally {
      for (WalletUser receiver : receivers) {
        try {
          purged += mailboxes.purge(receiver.address()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          log.warn("Warm-up: purging a synthetic mailbox failed ({}); its envelopes stay until their TTL", e.toString());
        }
      }
      senders.shutdownNow();
      pool.shutdownNow();
    }
    return new Report(accepted.get(), refused.get(), failed.get(), purged, Duration.ofNanos(System.nanoTime() - began));
  }

  private static ExecutorService daemons(int threads, String name) {
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  private String submitBody(WalletUser from, WalletUser to) {
    char[] text = new char[settings.messageChars()];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < text.length; i++) {
      text[i] = (char) ('a' + random.nextInt(26)); // unique text: a unique envelope, never a duplicate
    }
    EncryptionEnvelope envelope =
        EnvelopeBuilder.textMessage(
            from.name(),
            to.name(),
            new String(text),
            System.currentTimeMillis(),
            from.keys().signing(),
            to.keys().encryption().publicKey(),
            identity.encryption().publicKey());
    return EnvelopeBuilder.submitRequest(envelope);
  }

  private static HttpResponse<String> post(HttpClient client, String url, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
