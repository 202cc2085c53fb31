package dev.dm3relay.node.ens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dm3relay.protocol.crypto.Hex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The HTTP half of EIP-3668: asks a resolver's gateways, in the order the resolver listed them, for
 * the answer to an {@code OffchainLookup}. A URL with {@code {data}} is fetched with GET, one
 * without it gets a POST of {@code {"data","sender"}}. A 4xx ends the lookup (the gateway says
 * there is nothing); a 5xx, an unreachable gateway, a timeout or a malformed answer moves on to the
 * next URL, and when none is left the lookup fails as unavailable. URLs that are not http(s), or
 * (by default) that point at a non-public address, are skipped; a lookup whose every URL was
 * skipped that way is not found.
 */
final class CcipGateway {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Gateway URLs tried per lookup, in the resolver's order. The list comes from the resolver's
   * revert data, so without a bound one name could keep the relay fetching for minutes.
   */
  static final int MAX_URLS = 8;

  /** HTTP redirects followed per gateway URL (GET only, never from https to http). */
  static final int MAX_REDIRECTS = 4;

  private final HttpClient http;
  private final Duration timeout;
  private final int maxResponseBytes;
  private final boolean allowPrivateAddresses;

  CcipGateway(
      HttpClient http, Duration timeout, int maxResponseBytes, boolean allowPrivateAddresses) {
    this.http = http;
    this.timeout = timeout;
    this.maxResponseBytes = maxResponseBytes;
    this.allowPrivateAddresses = allowPrivateAddresses;
  }

  static CcipGateway create(Duration timeout, int maxResponseBytes, boolean allowPrivateAddresses) {
    // Redirects are followed here, not by the client, so that each target passes the address check.
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new CcipGateway(http, timeout, maxResponseBytes, allowPrivateAddresses);
  }

  sealed interface Answer {
    record Data(byte[] data) implements Answer {}

    /**
     * A gateway answered 4xx, so the record is not there and EIP-3668 says not to ask the others;
     * or no URL was one the relay may fetch.
     */
    record NotFound(String reason) implements Answer {}
  }

  CompletionStage<Answer> fetch(List<String> urls, String sender, byte[] callData) {
    String senderHex = sender.toLowerCase(Locale.ROOT);
    String dataHex = Hex.prefixed(callData);
    List<String> tried = urls.size() > MAX_URLS ? urls.subList(0, MAX_URLS) : urls;
    return tryFrom(tried, 0, senderHex, dataHex, new Progress());
  }

  /** What the URLs tried so far came to. */
  private static final class Progress {
    final List<String> problems = new ArrayList<>();
    boolean anyFetched;
  }

  private CompletionStage<Answer> tryFrom(
      List<String> urls, int index, String sender, String data, Progress progress) {
    if (index >= urls.size()) {
      String problems = String.join("; ", progress.problems);
      if (!progress.anyFetched) {
        return CompletableFuture.completedFuture(
            new Answer.NotFound("no gateway URL may be fetched: " + problems));
      }
      return CompletableFuture.failedFuture(
          new ChainUnavailableException("no CCIP-read gateway answered: " + problems));
    }
    String template = urls.get(index);
    boolean get = template.contains("{data}");
    URI uri;
    try {
      uri = URI.create(template.replace("{sender}", sender).replace("{data}", data));
    } catch (IllegalArgumentException e) {
      progress.problems.add(template + ": " + e.getMessage());
      return tryFrom(urls, index + 1, sender, data, progress);
    }
    String body =
        get ? null : JSON.createObjectNode().put("data", data).put("sender", sender).toString();
    return send(uri, body, MAX_REDIRECTS, progress)
        .handle(
            (response, failure) -> {
              if (failure != null) {
                progress.problems.add(template + ": " + rootMessage(failure));
                return null;
              }
              int status = response.statusCode();
              if (status >= 400 && status < 500) {
                return (Answer) new Answer.NotFound(template + " answered " + status);
              }
              if (status < 200 || status >= 300) {
                progress.problems.add(template + ": status " + status);
                return null;
              }
              byte[] answer = dataField(response.body());
              if (answer == null) {
                progress.problems.add(template + ": no hex \"data\" in the reply");
                return null;
              }
              return new Answer.Data(answer);
            })
        .thenCompose(
            answer ->
                answer != null
                    ? CompletableFuture.completedFuture(answer)
                    : tryFrom(urls, index + 1, sender, data, progress));
  }

  /**
   * One request, following up to {@code redirectsLeft} GET redirects; POST (body non-null) follows
   * none.
   */
  private CompletionStage<HttpResponse<byte[]>> send(
      URI uri, String body, int redirectsLeft, Progress progress) {
    try {
      checkTarget(uri);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    progress.anyFetched = true;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    if (body == null) {
      request.GET();
    } else {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return http.sendAsync(request.build(), responseInfo -> new LimitedBody(maxResponseBytes))
        .thenCompose(
            response -> {
              int status = response.statusCode();
              Optional<String> location = response.headers().firstValue("Location");
              if (body != null || status < 300 || status >= 400 || location.isEmpty()) {
                return CompletableFuture.completedFuture(response);
              }
              if (redirectsLeft == 0) {
                return CompletableFuture.failedFuture(
                    new IOException("more than " + MAX_REDIRECTS + " redirects"));
              }
              URI next;
              try {
                next = uri.resolve(location.get());
              } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(
                    new IOException("bad redirect " + location.get()));
              }
              if ("https".equalsIgnoreCase(uri.getScheme())
                  && !"https".equalsIgnoreCase(next.getScheme())) {
                return CompletableFuture.failedFuture(
                    new IOException("redirect from https to " + next.getScheme()));
              }
              return send(next, null, redirectsLeft - 1, progress);
            });
  }

  /**
   * Only http(s), and unless private gateways are allowed, only hosts whose every address is
   * public. (The client resolves the host again when it connects, so a DNS answer that changes in
   * between is not caught; the check keeps out plain internal URLs and their redirects.)
   */
  private void checkTarget(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("not an http(s) URL");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("no host");
    }
    if (allowPrivateAddresses) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host " + host);
    }
    for (InetAddress address : addresses) {
      if (!isPublic(address)) {
        throw new IllegalArgumentException(
            "gateway host " + host + " is not a public address (" + address.getHostAddress() + ")");
      }
    }
  }

  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    byte[] raw = address.getAddress();
    if (raw.length == 4) {
      int first = raw[0] & 0xff;
      int second = raw[1] & 0xff;
      return first != 0 // "this network"
          && !(first == 100 && second >= 64 && second < 128) // carrier-grade NAT
          && !(first == 198 && (second == 18 || second == 19)) // benchmarking
          && first < 224; // multicast and reserved
    }
    return (raw[0] & 0xfe) != 0xfc; // IPv6 unique local fc00::/7
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
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : " " + root.getMessage());
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
          result.completeExceptionally(
              new IOException("gateway reply exceeds " + limit + " bytes"));
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
