package dev.dm3relay.node.ens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.crypto.Hex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The HTTP half of EIP-3668: asks a resolver's gateways, in the order the resolver listed them,
 * for the answer to an {@code OffchainLookup}. A URL with {@code {data}} is fetched with GET,
 * one without it gets a POST of {@code {"data","sender"}}. A 4xx ends the lookup (the gateway
 * says there is nothing); a 5xx, an unreachable gateway, a timeout or a malformed answer moves on
 * to the next URL, and when none is left the lookup fails as unavailable.
 */
final class CcipGateway {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration timeout;
  private final int maxResponseBytes;

  CcipGateway(HttpClient http, Duration timeout, int maxResponseBytes) {
    this.http = http;
    this.timeout = timeout;
    this.maxResponseBytes = maxResponseBytes;
  }

  static CcipGateway create(Duration timeout, int maxResponseBytes) {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            // NORMAL never follows an https URL to plain http; the JDK caps the chain at 5 hops.
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    return new CcipGateway(http, timeout, maxResponseBytes);
  }

  sealed interface Answer {
    record Data(byte[] data) implements Answer {}

    /** A gateway answered 4xx: the record is not there, and EIP-3668 says not to ask the others. */
    record NotFound(String reason) implements Answer {}
  }

  CompletionStage<Answer> fetch(List<String> urls, String sender, byte[] callData) {
    String senderHex = sender.toLowerCase(Locale.ROOT);
    String dataHex = Hex.prefixed(callData);
    return tryFrom(urls, 0, senderHex, dataHex, new ArrayList<>());
  }

  private CompletionStage<Answer> tryFrom(
      List<String> urls, int index, String sender, String data, List<String> problems) {
    if (index >= urls.size()) {
      return CompletableFuture.failedFuture(
          new ChainUnavailableException("no CCIP-read gateway answered: " + String.join("; ", problems)));
    }
    String template = urls.get(index);
    HttpRequest request;
    try {
      request = request(template, sender, data);
    } catch (IllegalArgumentException e) {
      problems.add(template + ": " + e.getMessage());
      return tryFrom(urls, index + 1, sender, data, problems);
    }
    return http.sendAsync(request, responseInfo -> new LimitedBody(maxResponseBytes))
        .handle(
            (response, failure) -> {
              if (failure != null) {
                problems.add(template + ": " + rootMessage(failure));
                return null;
              }
              int status = response.statusCode();
              if (status >= 400 && status < 500) {
                return (Answer) new Answer.NotFound(template + " answered " + status);
              }
              if (status < 200 || status >= 300) {
                problems.add(template + ": status " + status);
                return null;
              }
              byte[] answer = dataField(response.body());
              if (answer == null) {
                problems.add(template + ": no hex \"data\" in the reply");
                return null;
              }
              return new Answer.Data(answer);
            })
        .thenCompose(
            answer ->
                answer != null
                    ? CompletableFuture.completedFuture(answer)
                    : tryFrom(urls, index + 1, sender, data, problems));
  }

  private HttpRequest request(String template, String sender, String data) {
    boolean get = template.contains("{data}");
    URI uri = URI.create(template.replace("{sender}", sender).replace("{data}", data));
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("not an http(s) URL");
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    if (get) {
      return builder.GET().build();
    }
    ObjectNode body = JSON.createObjectNode().put("data", data).put("sender", sender);
    return builder
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private static byte[] dataField(byte[] body) {
    try {
      JsonNode reply = JSON.readTree(body);
      JsonNode data = reply == null ? null : reply.get("data");
      if (data == null || !data.isTextual()) {
        return null;
      }
      String text = data.asText();
      if (!text.startsWith("0x")) {
        return null;
      }
      return Hex.decode(text);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage());
  }

  /** Collects a response body, giving up on one larger than the limit instead of buffering it. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        if (bytes.size() + item.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(new IOException("gateway reply exceeds " + limit + " bytes"));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        bytes.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
