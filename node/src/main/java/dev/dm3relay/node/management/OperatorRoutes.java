package dev.dm3relay.node.management;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.node.admin.Administration;
import dev.dm3relay.node.api.Responses;
import dev.dm3relay.node.cluster.ClusterStatus;
import dev.dm3relay.node.core.ErrorCode;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.node.metrics.RelayMetrics;
import dev.dm3relay.protocol.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's routes on the management port (beside Pekko Management's health checks and
 * bootstrap): {@code GET /metrics} in the Prometheus text format (OpenMetrics when asked for), and
 * the admin API under {@code /admin}, present only with an {@code ADMIN_TOKEN}. Every admin call is
 * one audit line (logger {@code dm3relay.audit}); every refusal a JSON body. Registered in
 * cluster.conf as a management route provider.
 */
public final class OperatorRoutes extends AllDirectives implements ManagementRouteProvider {

  private static final Logger audit = LoggerFactory.getLogger("dm3relay.audit");
  private static final Logger log = LoggerFactory.getLogger(OperatorRoutes.class);

  private final ExtendedActorSystem system;

  public OperatorRoutes(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    // JSON refusals under our paths; a path none of the management routes takes is Pekko
    // Management's own (plain-text) 404, since its routes are joined outside any of ours
    return concat(
        path("metrics", () -> handleRejections(jsonRejections(), () -> get(() -> optionalHeaderValueByName("Accept", this::scrape)))),
        pathPrefix("admin", () -> handleExceptions(errors(), () -> handleRejections(jsonRejections(), this::admin))));
  }

  private Route scrape(Optional<String> accept) {
    RelayMetrics.Scrape scrape = RelayMetrics.get(system).scrape(accept.orElse(null));
    return complete(
        HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.parse(scrape.contentType()), scrape.text().getBytes(StandardCharsets.UTF_8))));
  }

  // ---- /admin --------------------------------------------------------------------------------

  private Route admin() {
    OperatorConsole.Installed installed = OperatorConsole.get(system).installed();
    if (installed == null) {
      return complete(Responses.unavailable("the relay is starting"));
    }
    if (installed.settings().token().isEmpty()) {
      return complete(Responses.error(StatusCodes.NOT_FOUND, ErrorCode.RESOURCE_NOT_FOUND, "Not Found"));
    }
    byte[] expected = installed.settings().token().get().getBytes(StandardCharsets.UTF_8);
    return extractRequest(
        request ->
            optionalHeaderValueByName(
                "Authorization",
                header -> {
                  if (!tokenMatches(header, expected)) {
                    auditLine("authenticate", request.getUri().path(), "401", request);
                    return complete(
                        Responses.error(StatusCodes.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, "a valid admin token is required")
                            .addHeader(RawHeader.create("WWW-Authenticate", "Bearer")));
                  }
                  return adminRoutes(installed.administration(), request);
                }));
  }

  /** Constant time over the token's bytes, whatever the header holds. */
  static boolean tokenMatches(Optional<String> header, byte[] expected) {
    if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.get().substring(7).trim().getBytes(StandardCharsets.UTF_8);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return MessageDigest.isEqual(sha.digest(expected), MessageDigest.getInstance("SHA-256").digest(given));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Route adminRoutes(Administration admin, HttpRequest request) {
    return concat(
        path(
            segment("mailboxes").slash(segment()),
            target -> get(() -> answer("mailbox", target, request, admin.mailbox(target), OperatorRoutes::mailboxJson))),
        path(
            segment("mailboxes").slash(segment()).slash("messages"),
            target -> delete(() -> answer("purge", target, request, admin.purge(target), n -> object().put("purged", n)))),
        path(
            segment("blocked-senders").slash(segment()),
            address ->
                concat(
                    put(() -> answer("block", address, request, admin.block(address), a -> object().put("address", a).put("blocked", true))),
                    delete(
                        () ->
                            answer("unblock", address, request, admin.unblock(address), a -> object().put("address", a).put("blocked", false))))),
        path(
            "blocked-senders",
            () ->
                get(
                    () ->
                        completeWithFuture(
                            audited("list-blocked", "-", request, admin.blockedSenders().thenApply(OperatorRoutes::addressesJson))))),
        path("cluster", () -> get(() -> completeWithFuture(audited("cluster", "-", request, admin.cluster().thenApply(OperatorRoutes::clusterJson))))));
  }

  private <T> Route answer(
      String action, String target, HttpRequest request, CompletionStage<Administration.Result<T>> result, Function<T, ObjectNode> body) {
    CompletionStage<HttpResponse> response =
        result.thenApply(
            r -> {
              if (r instanceof Administration.Result.Done<T> done) {
                return Responses.ok(body.apply(done.value()).toString());
              }
              if (r instanceof Administration.Result.NotFound<T> notFound) {
                return Responses.error(StatusCodes.NOT_FOUND, ErrorCode.RESOURCE_NOT_FOUND, notFound.why());
              }
              return Responses.error(StatusCodes.BAD_REQUEST, ErrorCode.INVALID_PARAMS, ((Administration.Result.Invalid<T>) r).why());
            });
    return completeWithFuture(audited(action, target, request, response));
  }

  private CompletionStage<HttpResponse> audited(String action, String target, HttpRequest request, CompletionStage<HttpResponse> response) {
    return response
        .exceptionally(
            failure -> {
              log.warn("admin {} failed: {}", action, failure.toString());
              return Responses.unavailable("storage or the cluster");
            })
        .whenComplete((r, f) -> auditLine(action, target, r == null ? "error" : String.valueOf(r.status().intValue()), request));
  }

  private static void auditLine(String action, String target, String outcome, HttpRequest request) {
    String caller =
        request.getAttribute(AttributeKeys.remoteAddress).flatMap(a -> a.getAddress().map(java.net.InetAddress::getHostAddress)).orElse("unknown");
    audit.info("admin {} {} {} {}", kv("action", action), kv("target", target), kv("outcome", outcome), kv("caller", caller));
  }

  private static ObjectNode object() {
    return Json.newObject();
  }

  private static ObjectNode mailboxJson(MailboxService.MailboxStats stats) {
    return object()
        .put("address", stats.address())
        .put("messages", stats.messages())
        .put("bytes", stats.bytes())
        .put("oldestStoredAt", stats.oldestStoredAt());
  }

  private static HttpResponse addressesJson(List<String> addresses) {
    ObjectNode body = object();
    ArrayNode list = body.putArray("addresses");
    addresses.forEach(list::add);
    return Responses.ok(body.toString());
  }

  private static HttpResponse clusterJson(List<ClusterStatus.Node> nodes) {
    ObjectNode body = object();
    ArrayNode members = body.putArray("members");
    for (ClusterStatus.Node n : nodes) {
      members
          .addObject()
          .put("address", n.address())
          .put("status", n.status())
          .put("reachable", n.reachable())
          .put("shards", n.shards())
          .put("mailboxesActive", n.mailboxesActive());
    }
    return Responses.ok(body.toString());
  }

  private ExceptionHandler errors() {
    return ExceptionHandler.newBuilder()
        .matchAny(
            e -> {
              log.warn("admin route failed: {}", e.toString());
              return complete(Responses.error(StatusCodes.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL_ERROR, "internal error"));
            })
        .build();
  }

  /** Wrong method, unknown admin path: a JSON answer like the API's. */
  private static RejectionHandler jsonRejections() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              StatusCode status = response.status();
              ErrorCode code =
                  status.intValue() == 405 ? ErrorCode.METHOD_NOT_SUPPORTED : status.intValue() == 404 ? ErrorCode.RESOURCE_NOT_FOUND : ErrorCode.INVALID_REQUEST;
              return Responses.error(status, code, status.reason());
            });
  }
}
