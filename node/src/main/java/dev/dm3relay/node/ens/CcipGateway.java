package dev.dm3relay.node.ens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dm3relay.protocol.crypto.Hex;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The HTTP half of EIP-3668: asks a resolver's gateways, in the order the resolver listed them, for
 * the answer to an {@code OffchainLookup}. A URL with {@code {data}} is fetched with GET, one
 * without it gets a POST of {@code {"data","sender"}}. A 4xx ends the lookup (the gateway says
 * there is nothing); a 5xx, an unreachable gateway, a timeout or a malformed answer moves on to the
 * next URL, and when none is left the lookup fails as unavailable. URLs that are not http(s), or
 * (by default) that point at a non-public address, are skipped; a lookup whose every URL was
 * skipped that way is not found. Requests go through {@link PublicHttp} and draw on the lookup's
 * {@link LookupBudget}: a handful of requests and one deadline for the whole name lookup.
 */
final class CcipGateway {

  private static final ObjectMapper JSON = dev.dm3relay.protocol.json.Json.boundedMapper();

  /**
   * Gateway URLs considered per lookup, in the resolver's order (the budget usually ends the list
   * first). The list comes from the resolver's revert data.
   */
  static final int MAX_URLS = 8;

  /** HTTP redirects followed per gateway URL (GET only, never from https to http). */
  static final int MAX_REDIRECTS = 4;

  private final PublicHttp http;
  private final Duration requestTimeout;
  private final int maxResponseBytes;

  CcipGateway(PublicHttp http, Duration requestTimeout, int maxResponseBytes) {
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.maxResponseBytes = maxResponseBytes;
  }

  sealed interface Answer {
    record Data(byte[] data) implements Answer {}

    /**
     * A gateway answered 4xx, so the record is not there and EIP-3668 says not to ask the others;
     * or no URL was one the relay may fetch.
     */
    record NotFound(String reason) implements Answer {}
  }

  CompletionStage<Answer> fetch(List<String> urls, String sender, byte[] callData, LookupBudget budget) {
    String senderHex = sender.toLowerCase(Locale.ROOT);
    String dataHex = Hex.prefixed(callData);
    List<String> tried = urls.size() > MAX_URLS ? urls.subList(0, MAX_URLS) : urls;
    return tryFrom(tried, 0, senderHex, dataHex, new Progress(), budget);
  }

  /** What the URLs tried so far came to. */
  private static final class Progress {
    final List<String> problems = new ArrayList<>();
    boolean anyFetched;
  }

  private CompletionStage<Answer> tryFrom(
      List<String> urls, int index, String sender, String data, Progress progress, LookupBudget budget) {
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
      return tryFrom(urls, index + 1, sender, data, progress, budget);
    }
    String body =
        get ? null : JSON.createObjectNode().put("data", data).put("sender", sender).toString();
    return send(uri, body, MAX_REDIRECTS, progress, budget)
        .handle(
            (response, failure) -> {
              if (failure != null) {
                progress.problems.add(template + ": " + rootMessage(failure));
                return null;
              }
              int status = response.status();
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
            answer -> {
              if (answer != null) {
                return CompletableFuture.completedFuture(answer);
              }
              if (progress.anyFetched && budget.remaining().isNegative()) {
                return CompletableFuture.failedFuture(
                    new ChainUnavailableException("CCIP-read lookup ran out of time: " + String.join("; ", progress.problems)));
              }
              return tryFrom(urls, index + 1, sender, data, progress, budget);
            });
  }

  /**
   * One request, following up to {@code redirectsLeft} GET redirects; POST (body non-null) follows
   * none. Each request takes one from the budget and at most the time the lookup has left.
   */
  private CompletionStage<PublicHttp.Reply> send(
      URI uri, String body, int redirectsLeft, Progress progress, LookupBudget budget) {
    try {
      http.checkTarget(uri);
    } catch (PublicHttp.RefusedTargetException e) {
      return CompletableFuture.failedFuture(e); // skipped, not fetched
    }
    if (!budget.takeRequest()) {
      progress.anyFetched = true;
      return CompletableFuture.failedFuture(new IOException("the lookup's gateway request budget is spent"));
    }
    Duration remaining = budget.remaining();
    Duration deadline = remaining.compareTo(requestTimeout) < 0 ? remaining : requestTimeout;
    CompletionStage<PublicHttp.Reply> sent =
        body == null ? http.get(uri, deadline, maxResponseBytes) : http.postJson(uri, body, deadline, maxResponseBytes);
    return sent.handle(
            (reply, failure) -> {
              if (!(rootCause(failure) instanceof PublicHttp.RefusedTargetException)) {
                progress.anyFetched = true; // a host that resolves to a private address is skipped too
              }
              return failure != null ? CompletableFuture.<PublicHttp.Reply>failedFuture(failure) : CompletableFuture.completedFuture(reply);
            })
        .thenCompose(f -> f)
        .thenCompose(
            response -> {
              int status = response.status();
              Optional<String> location = response.location();
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
              return send(next, null, redirectsLeft - 1, progress, budget);
            });
  }

  static byte[] dataField(byte[] body) {
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
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable root = failure;
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = rootCause(failure);
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : " " + root.getMessage());
  }
}
