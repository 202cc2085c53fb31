package dev.dm3relay.node.api;

import dev.dm3relay.node.core.ErrorCode;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.node.auth.Sessions;
import dev.dm3relay.node.auth.Sessions.Outcome;
import dev.dm3relay.node.submit.SubmitResult;
import dev.dm3relay.node.submit.SubmitService;
import dev.dm3relay.node.submit.Transport;
import dev.dm3relay.node.core.InFlightLimit;
import dev.dm3relay.node.inbox.Inbox;
import dev.dm3relay.node.spam.SpamRuleSettings;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.node.core.Account;
import dev.dm3relay.node.core.DeliveryMetrics;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.ens.EnsNames;
import dev.dm3relay.protocol.ens.InvalidNameException;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.MalformedJsonException;
import dev.dm3relay.protocol.json.Nodes;
import dev.dm3relay.protocol.json.SchemaException;
import dev.dm3relay.protocol.model.Acknowledgement;
import dev.dm3relay.protocol.model.DeliveryServiceProfile;
import dev.dm3relay.protocol.model.ProfileExtension;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.profile.ProfileSignature;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import dev.dm3relay.node.registration.ProfileRegistrations;
import dev.dm3relay.node.ratelimit.RateLimits;
import dev.dm3relay.node.http.RequestClient;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import scala.concurrent.duration.FiniteDuration;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import dev.dm3relay.node.notification.NotificationChannels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference delivery service's routes (§4.2–4.3) with its paths, request shapes and status
 * codes, on Pekko HTTP. Every error is a JSON body (see {@link Responses}); a failure of storage or
 * of the chain is a 503, never a 500 and never a stack trace.
 */
public final class RelayApi extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(RelayApi.class);

  /**
   * CORS is open, as in the reference ({@code cors()} with its defaults): browser messengers call
   * the relay from their own origin. Every answer allows any origin; a preflight gets the rest.
   */
  private static final List<HttpHeader> CORS = List.of(RawHeader.create("Access-Control-Allow-Origin", "*"));

  private static final HttpHeader PREFLIGHT_METHODS =
      RawHeader.create("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE");

  private static final Set<String> AUTH_BODY_FIELDS = Set.of("signature", "challenge");
  private static final Set<String> ACK_BODY_FIELDS = Set.of("acknowledgements");

  private final ApiSettings settings;
  private final DeliveryServiceIdentity identity;
  private final SubmitService submissions;
  private final Sessions sessions;
  private final ProfileRegistrations registrations;
  private final Inbox inbox;
  private final SpamRuleSettings spamRules;
  private final DeliveryMetrics metrics;
  private final Clock clock;
  private final Route extraRoutes;
  private final AdmissionControl admission;
  private final io.micrometer.core.instrument.Counter timedOut;
  private final AccessLog accessLog = new AccessLog();
  private final RateLimits rateLimits;
  private final NotificationChannels notifications;

  /**
   * @param inFlight the node's request limit, shared with the socket transport
   * @param extraRoutes routes outside the admission limit (Socket.IO)
   */
  public RelayApi(
      ApiSettings settings,
      DeliveryServiceIdentity identity,
      SubmitService submissions,
      Sessions sessions,
      ProfileRegistrations registrations,
      Inbox inbox,
      SpamRuleSettings spamRules,
      DeliveryMetrics metrics,
      InFlightLimit inFlight,
      MeterRegistry registry,
      Clock clock,
      RateLimits rateLimits,
      NotificationChannels notifications,
      Route extraRoutes) {
    this.rateLimits = rateLimits;
    this.notifications = notifications;
    this.settings = settings;
    this.identity = identity;
    this.submissions = submissions;
    this.sessions = sessions;
    this.registrations = registrations;
    this.inbox = inbox;
    this.spamRules = spamRules;
    this.metrics = metrics;
    this.clock = clock;
    this.extraRoutes = extraRoutes;
    this.admission = new AdmissionControl(inFlight);
    this.timedOut = registry.counter("dm3.relay.requests.rejected", "reason", "timeout");
  }

  /** Answers of Pekko HTTP's request-timeout, counted. */
  private HttpResponse timedOut(org.apache.pekko.http.javadsl.model.HttpRequest request) {
    timedOut.increment();
    return Responses.timedOut(request);
  }

  public Route routes() {
    return settings.accessLog() ? accessLog.around(this::answered) : answered();
  }

  private Route answered() {
    // Express's path leniency first (RouteTable), so that every route below sees one spelling.
    // HEAD on every GET route is Pekko's transparent-head-requests (api.conf).
    // (The context's unmatched path is what path directives match, so it is rewritten with the URI.)
    return mapRequestContext(
        context -> {
          org.apache.pekko.http.javadsl.model.HttpRequest request = context.getRequest();
          String path = request.getUri().path();
          String canonical = RouteTable.canonical(path);
          return canonical.equals(path)
              ? context
              : context.withRequest(request.withUri(request.getUri().path(canonical))).withUnmatchedPath(canonical);
        },
        this::lenient);
  }

  private Route lenient() {
    // JSON even when Pekko HTTP's own request-timeout answers (its default body is plain text)
    return withRequestTimeoutResponse(
        this::timedOut,
        () ->
            respondWithHeaders(
                CORS,
                () ->
                    handleExceptions(
                        exceptions(),
                        () ->
                            handleRejections(
                                rejections(),
                                () ->
                                    withinClientRate(() -> concat(
                                        preflight(),
                                        extraRoutes,
                                        path("hello", () -> get(() -> complete(Responses.text(StatusCodes.OK, "Hello DM3")))),
                                        // The whole body first, under a deadline, and only then a slot: a
                                        // client that is still sending (or drips its body) holds a
                                        // connection, never one of the node's MAX_IN_FLIGHT slots.
                                        extractUnmatchedPath(
                                            path -> strictBody(bodyLimitFor(path), () -> admission.admit(() -> handleExceptions(exceptions(), this::apiRoutes))))))))));
  }

  /**
   * RATE_LIMIT_IP: one token of the client's bucket per request, taken before anything of the
   * request is read (the head is parsed, the body not yet), so a refusal costs a map lookup and
   * a small answer. Socket.IO handshakes count too; a socket's events are counted by its use case.
   */
  private Route withinClientRate(java.util.function.Supplier<Route> inner) {
    Route admitted = inner.get(); // built once, not per request
    return extractRequest(
        request -> {
          long retryAfter = rateLimits.request(RequestClient.of(request, rateLimits));
          return retryAfter > 0 ? complete(rateLimited(retryAfter)) : admitted;
        });
  }

  /** 429 with Retry-After and {@code {"code":-32005,"message":"rate limit exceeded"}}. */
  static HttpResponse rateLimited(long retryAfterSeconds) {
    return Responses.error(StatusCodes.TOO_MANY_REQUESTS, ErrorCode.LIMIT_EXCEEDED, RateLimits.REFUSAL)
        .addHeader(RawHeader.create("Retry-After", Long.toString(retryAfterSeconds)));
  }

  /** The client address of the request in hand (for the per-client limits of use cases). */
  private Route withClient(Function<String, Route> inner) {
    return extractRequest(request -> inner.apply(RequestClient.of(request, rateLimits)));
  }

  /**
   * The whole body, read under the request deadline, before {@code inner}: a body its route cannot
   * take is refused with 413 at once when its Content-Length says so (nothing of it is read), or
   * as soon as it grows beyond the limit.
   */
  private Route strictBody(long limit, java.util.function.Supplier<Route> inner) {
    return extractRequestEntity(
        entity -> {
          java.util.OptionalLong length = entity.getContentLengthOption();
          if (length.isPresent() && length.getAsLong() > limit) {
            return complete(tooLarge());
          }
          if (entity.isStrict()) {
            // Already whole (Pekko's parser had it in one read) and within the limit by its length.
            // Pekko HTTP 1.3.0's toStrictEntity would still copy it through a stream materialized
            // per request, an actor start and stop included (6 % of the relay's samples at 1000
            // submits/s; relay CPU fell 12 % without it, load-tests/RESULTS.md session 10).
            return inner.get();
          }
          return toStrictEntity(
              FiniteDuration.create(settings.requestReadTimeout().toMillis(), TimeUnit.MILLISECONDS), limit, inner);
        });
  }

  private static HttpResponse tooLarge() {
    return Responses.error(StatusCodes.PAYLOAD_TOO_LARGE, ErrorCode.TOO_BIG, "request body is too large")
        .addHeader(org.apache.pekko.http.javadsl.model.headers.Connection.create("close"));
  }

  /**
   * The most body a request to {@code path} may bring: a submit's for every route but the
   * acknowledgement sync, which may name a whole full mailbox. Checked while the body is read, so
   * that no request holds more than its route can use.
   */
  private long bodyLimitFor(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String route = "/syncAcknowledgements";
    return p.length() >= route.length() && p.regionMatches(true, p.length() - route.length(), route, 0, route.length())
        ? settings.ackBodyLimit()
        : settings.bodyLimit();
  }

  /**
   * The routes that do work per request, behind the admission limit. Socket.IO (long polls and
   * WebSockets hold their request for long), preflights and /hello are not counted.
   */
  private Route apiRoutes() {
    return concat(
        path("rpc", () -> post(() -> withClient(client -> body(settings.bodyLimit(), text -> rpc(text, client))))),
        pathPrefix("auth", () -> path(segment(), this::authRoutes)),
        pathPrefix("profile", () -> path(segment(), this::profileRoutes)),
        pathPrefix("delivery", this::deliveryRoutes),
        pathPrefix("notifications", this::notificationRoutes),
        path("delivery-service-profile", () -> get(this::deliveryServiceProfile)),
        path("metrics", () -> get(() -> completeWith(metricsCsv()))));
  }

  /** The admission limit of this node's API (requests in flight, refusals). */
  public AdmissionControl admission() {
    return admission;
  }

  /**
   * Answers every OPTIONS request as {@code cors()} does (it takes any OPTIONS for a preflight,
   * whatever the path): 204, the methods, and the request's {@code Access-Control-Request-Headers}
   * reflected. Matched on the method inside a route (not with the {@code options} directive) so
   * that other methods on an unknown path still get 404, not "only OPTIONS allowed".
   */
  private Route preflight() {
    return extractRequest(
        request -> {
          if (!request.method().equals(HttpMethods.OPTIONS)) {
            return reject();
          }
          List<HttpHeader> headers = new java.util.ArrayList<>(List.of(PREFLIGHT_METHODS));
          request
              .getHeader("Access-Control-Request-Headers")
              .ifPresent(
                  asked -> {
                    headers.add(RawHeader.create("Access-Control-Allow-Headers", asked.value()));
                    headers.add(RawHeader.create("Vary", "Access-Control-Request-Headers"));
                  });
          return complete(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT).addHeaders(headers));
        });
  }

  // ---- /rpc ---------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> rpc(String body, String client) {
    JsonNode request;
    try {
      request = Json.parse(body);
    } catch (MalformedJsonException e) {
      return done(Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.PARSE_ERROR, "Parse error: " + e.getMessage()));
    }
    JsonNode method = request.isObject() ? request.get("method") : null;
    if (method == null || !method.isTextual()) {
      return done(Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.INVALID_REQUEST, "Bad Request: method is missing"));
    }
    JsonNode params = request.get("params");
    JsonNode first = params != null && params.isArray() && params.size() > 0 ? params.get(0) : null;
    return switch (method.textValue()) {
      case "dm3_submitMessage" -> submit(first, client);
      case "dm3_getDeliveryServiceProperties" -> done(rpcResult(properties()));
      case "dm3_getProfileExtension" -> profileExtension(first);
      default -> done(
          Responses.referenceError(StatusCodes.METHOD_NOT_ALLOWED, "Method not allowed", ErrorCode.METHOD_NOT_FOUND, null));
    };
  }

  private CompletionStage<HttpResponse> submit(JsonNode envelopeParam, String client) {
    if (envelopeParam == null || envelopeParam.isNull()) {
      return done(Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.INVALID_PARAMS, "Envelop missing"));
    }
    if (!envelopeParam.isTextual()) {
      return done(
          Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.PARSE_ERROR, "Error parsing envelop: params[0] must be the envelope as a JSON string"));
    }
    return submissions
        .submit(envelopeParam.textValue(), Transport.HTTP, client)
        .thenApply(
            result ->
                result instanceof SubmitResult.Rejected rejected
                    ? submitRefusal(rejected)
                    : Responses.text(StatusCodes.OK, "OK"))
        .exceptionally(failure -> unavailable("storage", failure));
  }

  /**
   * A refused submission: 400 with the refusal's code (403 for a sender the operator blocked); the
   * reference's own {@code "invalid schema"} where it has one.
   */
  private static HttpResponse submitRefusal(SubmitResult.Rejected rejected) {
    return switch (rejected.refusal()) {
      case INVALID_SCHEMA ->
          Responses.referenceError(StatusCodes.BAD_REQUEST, rejected.referenceError(), rejected.refusal().code(), rejected.message());
      case BLOCKED_SENDER -> Responses.error(StatusCodes.FORBIDDEN, rejected.refusal().code(), rejected.message());
      case RATE_LIMITED -> rateLimited(rejected.retryAfterSeconds());
      default -> Responses.error(StatusCodes.BAD_REQUEST, rejected.refusal().code(), rejected.message());
    };
  }

  /** {@code messageTTL} (ms, as the reference reports it) and {@code sizeLimit}; nothing secret. */
  private String properties() {
    ObjectNode properties = Json.newObject();
    properties.put("messageTTL", settings.messageTtlMillis());
    properties.put("sizeLimit", settings.sizeLimit());
    // The channel types offered, never their configuration: the reference hands out its whole
    // config here, SMTP password and VAPID private key included.
    ArrayNode channels = properties.putArray("notificationChannel");
    notifications.offeredTypes().forEach(type -> channels.addObject().put("type", type));
    return CanonicalJson.stringify(properties);
  }

  private CompletionStage<HttpResponse> profileExtension(JsonNode nameParam) {
    if (nameParam == null || !nameParam.isTextual()) {
      return done(Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.INVALID_PARAMS, "params[0] must be the ENS name"));
    }
    return withName(
        nameParam.textValue(),
        name ->
            registrations
                .lookup(name)
                .thenApply(
                    lookup ->
                        lookup instanceof ProfileRegistrations.Lookup.Found found
                            ? rpcResult(ProfileExtension.DEFAULT.canonical())
                            : Responses.referenceError(StatusCodes.BAD_REQUEST, "unknown user", ErrorCode.RESOURCE_NOT_FOUND, null))
                .exceptionally(failure -> unavailable("name resolution or storage", failure)));
  }

  /** {@code {"jsonrpc":"2.0","result":"<json text>"}}: reference results are strings. */
  private static HttpResponse rpcResult(String jsonText) {
    ObjectNode body = Json.newObject();
    body.put("jsonrpc", "2.0");
    body.put("result", jsonText);
    return Responses.ok(body.toString());
  }

  // ---- /auth/:name --------------------------------------------------------------------------

  private Route authRoutes(String rawName) {
    return concat(
        get(() -> withClient(client -> completeWith(withName(rawName, name -> challenge(name, client))))),
        post(() -> body(settings.bodyLimit(), text -> withName(rawName, name -> login(name, text)))));
  }

  private CompletionStage<HttpResponse> challenge(String name, String client) {
    return sessions
        .challenge(name, client)
        .thenApply(outcome -> outcome instanceof Outcome.Granted<String> g ? Responses.jsonString(g.value()) : authRefusal(outcome))
        .exceptionally(failure -> unavailable("name resolution or storage", failure));
  }

  private CompletionStage<HttpResponse> login(String name, String body) {
    ObjectNode request;
    String signature;
    String challenge;
    try {
      request = Nodes.object(Json.parse(body), "");
      Nodes.noOtherFields(request, AUTH_BODY_FIELDS, "");
      signature = Nodes.requiredString(request, "signature", "");
      challenge = Nodes.requiredString(request, "challenge", "");
    } catch (MalformedJsonException | SchemaException e) {
      return done(Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.INVALID_PARAMS, "Bad Request: " + e.getMessage()));
    }
    return sessions
        .login(name, challenge, signature)
        .thenApply(outcome -> outcome instanceof Outcome.Granted<String> g ? Responses.jsonString(g.value()) : authRefusal(outcome))
        .exceptionally(failure -> unavailable("name resolution or storage", failure));
  }

  /** The reference's 400 and error text; the code is the use case's. */
  private static HttpResponse authRefusal(Outcome<?> outcome) {
    if (outcome instanceof Outcome.RateLimited<?> limited) {
      return rateLimited(limited.retryAfterSeconds());
    }
    String error =
        outcome instanceof Outcome.Refused<?> refused
            ? refused.reason()
            : outcome instanceof Outcome.Unresolvable<?> u ? "could not resolve " + u.name() : "unknown account";
    return Responses.referenceError(StatusCodes.BAD_REQUEST, error, outcome.code(), null);
  }

  // ---- /profile/:name -----------------------------------------------------------------------

  private Route profileRoutes(String rawName) {
    return concat(
        get(() -> completeWith(withName(rawName, this::getProfile))),
        post(
            () ->
                optionalHeaderValueByName(
                    "Authorization",
                    header ->
                        withClient(
                            client ->
                                body(settings.bodyLimit(), text -> withName(rawName, name -> submitProfile(name, text, header, client)))))));
  }

  private CompletionStage<HttpResponse> getProfile(String name) {
    return registrations
        .lookup(name)
        .thenApply(
            lookup -> {
              if (lookup instanceof ProfileRegistrations.Lookup.Found found) {
                return Responses.ok(found.account().profile().canonical());
              }
              if (lookup instanceof ProfileRegistrations.Lookup.Unresolvable) {
                return unresolvable("could not get profile for " + name + ". Unable to resolve address");
              }
              return Responses.error(StatusCodes.NOT_FOUND, ErrorCode.RESOURCE_NOT_FOUND, "Not Found");
            })
        .exceptionally(failure -> unavailable("name resolution or storage", failure));
  }

  /** The reference's answers, plus 409 for a replacement without proof (README, protocol choice 11). */
  private CompletionStage<HttpResponse> submitProfile(String name, String body, Optional<String> authorization, String client) {
    SignedUserProfile profile;
    try {
      profile = SignedUserProfile.fromJson(Json.parse(body));
    } catch (MalformedJsonException | SchemaException e) {
      return done(Responses.referenceError(StatusCodes.BAD_REQUEST, "invalid schema", ErrorCode.INVALID_PARAMS, e.getMessage()));
    }
    return registrations
        .register(name, profile, authorization.flatMap(Sessions::bearerToken), client)
        .thenApply(
            result -> {
              if (result instanceof ProfileRegistrations.Result.Registered registered) {
                return Responses.jsonString(registered.receipt());
              }
              if (result instanceof ProfileRegistrations.Result.RateLimited limited) {
                return rateLimited(limited.retryAfterSeconds());
              }
              if (result instanceof ProfileRegistrations.Result.Unresolvable) {
                return unresolvable("could not submit profile for " + name + ". Unable to resolve address");
              }
              if (result instanceof ProfileRegistrations.Result.NotSignedByAddress bad) {
                return couldNotStore(StatusCodes.BAD_REQUEST, "the profile signature is not by " + bad.address(), bad.code());
              }
              if (result instanceof ProfileRegistrations.Result.UnusableKeys unusable) {
                return couldNotStore(StatusCodes.BAD_REQUEST, unusable.reason(), unusable.code());
              }
              return couldNotStore(
                  StatusCodes.CONFLICT,
                  "this account has another profile: replacing it needs a session token of the account (log in"
                      + " with its current key) or, on a relay with an Ethereum RPC, the profile its name publishes in ENS",
                  result.code());
            })
        .exceptionally(failure -> unavailable("name resolution or storage", failure));
  }

  private static HttpResponse couldNotStore(StatusCode status, String why, ErrorCode code) {
    ObjectNode refusal = Json.newObject();
    refusal.put("message", "Couldn't store profile");
    refusal.put("error", why);
    return Responses.referenceError(status, refusal, code, null);
  }

  private HttpResponse unresolvable(String message) {
    ObjectNode body = Json.newObject();
    body.put("message", message);
    return Responses.referenceError(StatusCodes.BAD_REQUEST, body, ErrorCode.RESOURCE_NOT_FOUND, null);
  }

  // ---- /delivery/messages/... ---------------------------------------------------------------

  private Route deliveryRoutes() {
    return concat(
        path(
            segment("spamFilterRules").slash(segment()),
            rawName ->
                concat(
                    get(() -> authorized(rawName, account -> complete(Responses.ok(spamRules.rulesOf(account))))),
                    post(() -> authorized(rawName, account -> body(settings.bodyLimit(), text -> setSpamRules(account, text)))))),
        messageRoutes());
  }

  /**
   * {@code POST /delivery/spamFilterRules/:name} (ours; the reference has no way to set rules):
   * the body is the whole rule set, {@code {}} clears it; the answer is what is stored now.
   */
  private CompletionStage<HttpResponse> setSpamRules(Account account, String body) {
    JsonNode rules;
    try {
      rules = Json.parse(body);
    } catch (MalformedJsonException e) {
      return done(Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.PARSE_ERROR, "Parse error: " + e.getMessage()));
    }
    return spamRules
        .set(account, rules)
        .thenApply(
            result ->
                result instanceof SpamRuleSettings.Result.Saved saved
                    ? Responses.ok(saved.rulesJson())
                    : Responses.error(
                        StatusCodes.BAD_REQUEST, ErrorCode.INVALID_PARAMS, "Bad Request: " + ((SpamRuleSettings.Result.Invalid) result).reason()))
        .exceptionally(f -> unavailable("storage", f));
  }

  private Route messageRoutes() {
    return pathPrefix(
        "messages",
        () ->
            concat(
                path(segment("incoming").slash(segment()), rawName -> get(() -> authorized(rawName, this::incoming))),
                path(
                    segment().slash("contact").slash(segment()),
                    (rawName, contact) -> get(() -> authorized(rawName, account -> conversation(account, contact)))),
                pathPrefix(
                    segment().slash("syncAcknowledgements"),
                    rawName ->
                        pathEndOrSingleSlash(
                            () -> post(() -> authorized(rawName, account -> body(settings.ackBodyLimit(), text -> acknowledge(account, text))))))));
  }

  private Route incoming(Account account) {
    return listing(inbox.incoming(account));
  }

  private Route conversation(Account account, String rawContact) {
    return listing(inbox.conversation(account, rawContact));
  }

  /**
   * A JSON array of stored envelopes, streamed as the bodies are read: the first one is read
   * before the status is sent (so that storage being down is still a 503), the rest while the
   * client takes them. A node at its listing limit answers 503 with Retry-After.
   */
  private Route listing(CompletionStage<Inbox.Fetch> fetch) {
    return extractMaterializer(
        materializer ->
            completeWith(
                fetch
                    .thenCompose(
                        f -> {
                          if (f instanceof Inbox.Fetch.Invalid invalid) {
                            return done(Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.INVALID_PARAMS, invalid.reason()));
                          }
                          if (!(((Inbox.Fetch.Listed) f).listing() instanceof MailboxService.Listing.Streaming streaming)) {
                            return done(AdmissionControl.busy("The relay is serving too many mailbox fetches, try again in a moment"));
                          }
                          return streaming
                              .envelopes()
                              .prefixAndTail(1)
                              .runWith(Sink.head(), materializer)
                              .thenApply(
                                  split -> {
                                    Source<ByteString, NotUsed> body =
                                        Source.from(split.first())
                                            .concat(split.second())
                                            .map(ByteString::fromString)
                                            .intersperse(OPEN, COMMA, CLOSE);
                                    return HttpResponse.create()
                                        .withStatus(StatusCodes.OK)
                                        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
                                  });
                        })
                    .exceptionally(f -> unavailable("storage", f))));
  }

  private static final ByteString OPEN = ByteString.fromString("[");
  private static final ByteString COMMA = ByteString.fromString(",");
  private static final ByteString CLOSE = ByteString.fromString("]");

  private CompletionStage<HttpResponse> acknowledge(Account account, String body) {
    List<Acknowledgement> acks = new ArrayList<>();
    try {
      ObjectNode request = Nodes.object(Json.parse(body), "");
      Nodes.noOtherFields(request, ACK_BODY_FIELDS, "");
      JsonNode list = request.get("acknowledgements");
      if (list == null || !list.isArray()) {
        throw new SchemaException("acknowledgements", "must be an array");
      }
      for (int i = 0; i < list.size(); i++) {
        acks.add(Acknowledgement.fromJson(list.get(i), "acknowledgements[" + i + "]"));
      }
    } catch (MalformedJsonException | SchemaException e) {
      return done(badAck(e.getMessage()));
    }
    return inbox
        .acknowledge(account, acks)
        .thenApply(
            result ->
                result instanceof Inbox.Acknowledged.Invalid invalid
                    ? badAck(invalid.reason())
                    : HttpResponse.create().withStatus(StatusCodes.OK))
        .exceptionally(f -> unavailable("storage", f));
  }

  private static HttpResponse badAck(String reason) {
    return Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.INVALID_PARAMS, "Bad Request: " + reason);
  }

  /** Runs {@code inner} for the account when the bearer token opens this name's routes; else 401. */
  private Route authorized(String rawName, Function<Account, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header -> {
          String name;
          try {
            name = EnsNames.normalize(rawName);
          } catch (InvalidNameException e) {
            return complete(Responses.unauthorized());
          }
          CompletionStage<Outcome<Sessions.Session>> check = sessions.authorize(name, header);
          return onComplete(
              check,
              result -> {
                if (result.isFailure()) {
                  return complete(unavailable("name resolution or storage", result.failed().get()));
                }
                return result.get() instanceof Outcome.Granted<Sessions.Session> granted
                    ? inner.apply(granted.value().account())
                    : complete(Responses.unauthorized());
              });
        });
  }

  // ---- /notifications/... (§4.6) -----------------------------------------------------------

  private Route notificationRoutes() {
    return concat(
        path(
            segment("global").slash(segment()),
            rawName ->
                concat(
                    get(() -> authorized(rawName, account -> completeWith(answer(notifications.global(account))))),
                    post(() -> authorized(rawName, account -> notificationBody(account, notifications::setGlobal))))),
        path(
            segment("otp").slash("verify").slash(segment()),
            rawName -> post(() -> authorized(rawName, account -> notificationBody(account, notifications::verifyCode)))),
        path(
            segment("otp").slash(segment()),
            rawName -> post(() -> authorized(rawName, account -> notificationBody(account, notifications::resendCode)))),
        path(
            segment("channel").slash(segment()).slash(segment()),
            (type, rawName) -> delete(() -> authorized(rawName, account -> completeWith(answer(notifications.remove(account, type)))))),
        path(
            segment("channel").slash(segment()),
            rawName -> post(() -> authorized(rawName, account -> notificationBody(account, notifications::setEnabled)))),
        path(
            segment(),
            rawName ->
                concat(
                    get(() -> authorized(rawName, account -> completeWith(answer(notifications.channels(account))))),
                    post(() -> authorized(rawName, account -> notificationBody(account, notifications::add))))));
  }

  /** The JSON body (an empty one is {@code {}}, as express.json leaves it) handed to a notification use case. */
  private Route notificationBody(
      Account account, java.util.function.BiFunction<Account, JsonNode, CompletionStage<NotificationChannels.Result>> useCase) {
    return body(
        settings.bodyLimit(),
        text -> {
          JsonNode request;
          try {
            request = text.isBlank() ? Json.newObject() : Json.parse(text);
          } catch (MalformedJsonException e) {
            return done(Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.PARSE_ERROR, "Parse error: " + e.getMessage()));
          }
          return answer(useCase.apply(account, request));
        });
  }

  /** 200 with the body (the reference's text {@code OK} when there is none), or 400 {@code {"error"}}. */
  private static CompletionStage<HttpResponse> answer(CompletionStage<NotificationChannels.Result> result) {
    return result
        .thenApply(
            r ->
                r instanceof NotificationChannels.Result.Ok ok
                    ? ok.body() == null ? Responses.text(StatusCodes.OK, "OK") : Responses.ok(ok.body().toString())
                    : Responses.referenceError(
                        StatusCodes.BAD_REQUEST, ((NotificationChannels.Result.Refused) r).message(), ErrorCode.INVALID_PARAMS, null))
        .exceptionally(f -> unavailable("storage", f));
  }

  // ---- other routes -------------------------------------------------------------------------

  private Route deliveryServiceProfile() {
    DeliveryServiceProfile profile = identity.profile(settings.publicUrl());
    ObjectNode body = Json.newObject();
    body.set("profile", profile.toJson());
    body.put("ensRecord", "network.dm3.deliveryService");
    body.put("dataUri", profile.dataUri());
    return complete(Responses.ok(body.toString()));
  }

  private CompletionStage<HttpResponse> metricsCsv() {
    return metrics
        .csv(clock.millis())
        .thenApply(
            csv ->
                csv.map(
                        text ->
                            HttpResponse.create()
                                .withStatus(StatusCodes.OK)
                                .withEntity(HttpEntities.create(ContentTypes.create(MediaTypes.TEXT_CSV, HttpCharsets.UTF_8), text)))
                    .orElseGet(() -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)))
        .exceptionally(f -> unavailable("storage", f));
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private Route body(long limit, Function<String, CompletionStage<HttpResponse>> handler) {
    return withSizeLimit(limit, () -> entity(Unmarshaller.entityToString(), text -> completeWith(handler.apply(text))));
  }

  private Route completeWith(CompletionStage<HttpResponse> response) {
    return completeWithFuture(response);
  }

  /** Normalises a name from the path or a parameter; an invalid one is a 400 with the reason. */
  private static CompletionStage<HttpResponse> withName(String raw, Function<String, CompletionStage<HttpResponse>> handler) {
    String name;
    try {
      name = EnsNames.normalize(raw);
    } catch (InvalidNameException e) {
      return done(Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.INVALID_PARAMS, "invalid name: " + e.getMessage()));
    }
    return handler.apply(name);
  }

  private static HttpResponse unavailable(String what, Throwable failure) {
    log.warn("{} unavailable: {}", what, failure.toString());
    return Responses.unavailable(what);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(
            EntityStreamSizeException.class,
            e -> complete(Responses.error(StatusCodes.PAYLOAD_TOO_LARGE, ErrorCode.TOO_BIG, "request body is too large")))
        .match(
            IllegalRequestException.class,
            // What Pekko says of a request it could not read whole: the body did not arrive in time
            // (toStrictEntity, 408) or the client went away in the middle of it (400). The client's
            // doing, so no ERROR; the connection goes with the answer.
            e -> {
              log.debug("request not read whole: {}", e.info().summary());
              // Pekko hands the cause over only as the text of its ErrorInfo, not as an exception
              if (e.info().summary().contains("EntityStreamSizeException")) {
                return complete(tooLarge()); // a chunked body that grew beyond its route's limit
              }
              return complete(Responses.unreadableRequest(e.status().intValue(), e.info().summary()));
            })
        .matchAny(
            e -> {
              log.error("Unhandled error in a route", e);
              return complete(Responses.error(StatusCodes.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL_ERROR, "internal error"));
            })
        .build();
  }

  /**
   * Pekko's own rejections (unknown path, wrong method, …) with JSON bodies instead of text. A body
   * over the entity limit is a 413; other unreadable bodies a 400 whose message names no internals.
   */
  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            rejection ->
                complete(
                    rejection.getCause() instanceof EntityStreamSizeException
                        ? Responses.error(StatusCodes.PAYLOAD_TOO_LARGE, ErrorCode.TOO_BIG, "request body is too large")
                        : Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.PARSE_ERROR, "the request body could not be read")))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(
            response -> {
              if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                return response;
              }
              String text =
                  response.entity() instanceof HttpEntity.Strict strict ? strict.getData().utf8String() : response.status().reason();
              return Responses.error(response.status(), codeFor(response.status()), text);
            });
  }

  private static ErrorCode codeFor(StatusCode status) {
    int code = status.intValue();
    if (code == 404) {
      return ErrorCode.RESOURCE_NOT_FOUND;
    }
    if (code == 405) {
      return ErrorCode.METHOD_NOT_SUPPORTED;
    }
    if (code == 413) {
      return ErrorCode.TOO_BIG;
    }
    if (code == 401 || code == 403) {
      return ErrorCode.UNAUTHORIZED;
    }
    return code >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
  }
}
