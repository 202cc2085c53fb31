package dev.dm3relay.node.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.node.auth.Sessions;
import dev.dm3relay.node.core.ErrorCode;
import dev.dm3relay.node.core.InFlightLimit;
import dev.dm3relay.node.ratelimit.RateLimits;
import dev.dm3relay.node.submit.SubmitResult;
import dev.dm3relay.node.submit.SubmitService;
import dev.dm3relay.node.submit.Transport;
import dev.dm3relay.protocol.ens.EnsNames;
import dev.dm3relay.protocol.ens.InvalidNameException;
import dev.dm3relay.protocol.json.Json;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The live-session use case: which account a socket belongs to (the reference's {@code
 * checkToken} on the handshake's {@code {"account":{"ensName":…},"token":…}}), and what the
 * client's events do. {@code submitMessage} runs the same {@link SubmitService} as {@code
 * dm3_submitMessage}, under the same node-wide {@link InFlightLimit}, and is answered with the
 * reference's acks.
 */
public final class LiveSessions implements SocketAuthenticator, ClientEventHandler {

  private final Sessions sessions;
  private final SubmitService submissions;
  private final InFlightLimit inFlight;
  private final RateLimits rateLimits;
  private final Registration registration;

  /**
   * Makes this node the one the account's mailbox pushes to ({@link LiveBridge#watch}); a socket
   * is told {@code authorized} only once that completed.
   */
  @FunctionalInterface
  public interface Registration {
    CompletionStage<?> register(String address);
  }

  public LiveSessions(
      Sessions sessions, SubmitService submissions, InFlightLimit inFlight, RateLimits rateLimits, Registration registration) {
    this.rateLimits = rateLimits;
    this.registration = registration;
    this.sessions = sessions;
    this.submissions = submissions;
    this.inFlight = inFlight;
  }

  @Override
  public CompletionStage<Optional<Authorized>> authenticate(JsonNode auth) {
    String name = auth.path("account").path("ensName").textValue();
    String token = auth.path("token").textValue();
    if (name == null || token == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String normalized;
    try {
      normalized = EnsNames.normalize(name);
    } catch (InvalidNameException e) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return sessions
        .authorizeToken(normalized, token)
        .thenCompose(
            outcome -> {
              if (!(outcome instanceof Sessions.Outcome.Granted<Sessions.Session> granted)) {
                return CompletableFuture.completedFuture(Optional.<Authorized>empty());
              }
              Authorized authorized = new Authorized(granted.value().account().address(), granted.value().expiresAtSeconds());
              // a failed registration fails the stage: the socket is refused, not left deaf
              return registration.register(authorized.account()).thenApply(done -> Optional.of(authorized));
            });
  }

  /**
   * {@code submitMessage} with {@code {envelop, token?}}; every other event is not ours (no ack).
   * Each event takes a token of the client address's bucket, as an HTTP request does; a refusal
   * is acked with the same JSON-RPC error object an HTTP 429 carries.
   */
  @Override
  public CompletionStage<JsonNode> onEvent(String account, String client, String event, JsonNode payload) {
    if (rateLimits.request(client) > 0) {
      return CompletableFuture.completedFuture(rateLimitedAck());
    }
    if (!event.equals("submitMessage")) {
      return null;
    }
    JsonNode envelope = payload.path("envelop");
    if (!envelope.isObject()) {
      return CompletableFuture.completedFuture(ack("error", "invalid schema"));
    }
    if (!inFlight.tryAcquire()) {
      return CompletableFuture.completedFuture(ack("error", InFlightLimit.REFUSAL));
    }
    CompletionStage<SubmitResult> submitted;
    try {
      submitted = submissions.submit(envelope.toString(), Transport.SOCKET, client);
    } catch (RuntimeException e) {
      submitted = CompletableFuture.failedFuture(e);
    }
    return submitted
        .thenApply(
            result ->
                result instanceof SubmitResult.Rejected rejected
                    ? rejected.refusal() == SubmitResult.Refusal.RATE_LIMITED
                        ? rateLimitedAck()
                        : ack("error", rejected.referenceError())
                    : ack("response", "success"))
        .exceptionally(failure -> ack("error", "the relay is unavailable, try again"))
        .whenComplete((ack, failure) -> inFlight.release());
  }

  /** {@code {"error":{"code":-32005,"message":"rate limit exceeded"}}}: the HTTP 429's error object. */
  private static JsonNode rateLimitedAck() {
    ObjectNode ack = Json.newObject();
    ObjectNode error = ack.putObject("error");
    error.put("code", ErrorCode.LIMIT_EXCEEDED.code());
    error.put("message", RateLimits.REFUSAL);
    return ack;
  }

  private static JsonNode ack(String field, String value) {
    ObjectNode ack = Json.newObject();
    ack.put(field, value);
    return ack;
  }
}
