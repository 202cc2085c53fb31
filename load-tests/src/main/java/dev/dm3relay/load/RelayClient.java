package dev.dm3relay.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The unmeasured part of a run, done with the JDK client before Gatling starts: read the relay's
 * encryption key, sign up the accounts, log them in. Every call has a timeout and a bounded number
 * of attempts.
 */
public final class RelayClient {

  private final URI base;
  private final HttpClient http;

  public RelayClient(URI base) {
    BenchConfig.requireLocalUnlessAllowed(base);
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  }

  /** The relay's X25519 public key: what a client seals the routing data with. */
  public byte[] deliveryServiceEncryptionKey() {
    JsonNode profile = Json.parse(call("GET", "/delivery-service-profile", null, null, 200));
    JsonNode inner = profile.has("profile") ? profile.get("profile") : profile;
    return Base64.getDecoder().decode(inner.get("publicEncryptionKey").textValue());
  }

  public void signUp(WalletUser user) {
    call("POST", "/profile/" + user.name(), user.profile().canonical(), null, 200);
  }

  /** The session token of {@code user}: challenge, Ed25519 signature over it, token. */
  public String login(WalletUser user) {
    String challenge = Json.parse(call("GET", "/auth/" + user.name(), null, null, 200)).textValue();
    String signature =
        Base64.getEncoder().encodeToString(Ed25519.sign(user.keys().signing().privateKey(), challenge.getBytes(StandardCharsets.UTF_8)));
    String body = "{\"signature\":" + Json.quote(signature) + ",\"challenge\":" + Json.quote(challenge) + "}";
    return Json.parse(call("POST", "/auth/" + user.name(), body, null, 200)).textValue();
  }

  /** Posts a prepared submit outside the measurement (mailbox pre-fill); true when accepted. */
  public boolean submit(PreparedEnvelope envelope) {
    return send("POST", "/rpc", new String(envelope.body(), StandardCharsets.UTF_8), null).statusCode() == 200;
  }

  /** Runs {@code work} over {@code items} on a few threads; setup is I/O bound, not worth more. */
  public static <T, R> List<R> parallel(List<T> items, int threads, Function<T, R> work) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> work.apply(item)));
      }
      List<R> out = new ArrayList<>(items.size());
      for (Future<R> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("setup failed: " + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  private String call(String method, String path, String body, String token, int expected) {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 10; attempt++) {
      HttpResponse<String> response = send(method, path, body, token);
      if (response.statusCode() == expected) {
        return response.body();
      }
      last = new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
      if (response.statusCode() == 429) {
        // a relay with its rate limits on: setup waits as the relay asks
        sleep(1000L * response.headers().firstValueAsLong("Retry-After").orElse(1));
        continue;
      }
      if (attempt >= 3) {
        break;
      }
      sleep(200L * attempt);
    }
    throw last;
  }

  private HttpResponse<String> send(String method, String path, String body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(base.getRawPath() + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
