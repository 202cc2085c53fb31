package dev.dm3relay.node.socketio;

import dev.dm3relay.node.live.SocketAuthenticator;
import dev.dm3relay.node.live.LiveConnections;
import dev.dm3relay.node.live.ClientEventHandler;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import dev.dm3relay.node.http.RequestClient;
import dev.dm3relay.node.ratelimit.RateLimits;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.AccessControlAllowOrigin;
import org.apache.pekko.http.javadsl.model.headers.HttpOriginRanges;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * The Socket.IO endpoint dm3 messengers connect to: {@code /socket.io/} on the relay's HTTP port,
 * Engine.IO protocol 4 over the WebSocket transport only (the messengers pass {@code
 * transports:['websocket']}), Socket.IO protocol 5, default namespace only.
 *
 * <p>A thin transport: which account a socket is and what its events do are the live-session use
 * case's ({@link dev.dm3relay.node.live.LiveSessions}, behind {@link SocketAuthenticator} and
 * {@link ClientEventHandler}); pushes arrive through {@link LiveConnections}, which writes frames
 * with {@link #eventFrame}. Relay wires it beside the API routes, outside their admission limit
 * (a socket holds its request for its whole life).
 */
public final class SocketIoRoute {

  // Engine.IO's error codes and texts, so that clients and tools recognise them.
  private static final String TRANSPORT_UNKNOWN = "{\"code\":0,\"message\":\"Transport unknown\"}";
  private static final String SESSION_ID_UNKNOWN =
      "{\"code\":1,\"message\":\"Session ID unknown\"}";
  private static final String BAD_HANDSHAKE_METHOD =
      "{\"code\":2,\"message\":\"Bad handshake method\"}";
  private static final String BAD_REQUEST = "{\"code\":3,\"message\":\"Bad request\"}";
  private static final String UNSUPPORTED_PROTOCOL_VERSION =
      "{\"code\":5,\"message\":\"Unsupported protocol version\"}";

  /** The JSON-RPC error of a handshake from a client holding LIVE_MAX_SOCKETS_PER_IP sockets. */
  private static final String TOO_MANY_SOCKETS =
      "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32005,\"message\":\"too many sockets from this address\"}}";

  private SocketIoRoute() {}

  /**
   * The frame of a Socket.IO EVENT with one argument (JSON text) on the default namespace, as an
   * Engine.IO message: what {@link LiveConnections} pushes to every socket of an account.
   */
  public static String eventFrame(String name, String payloadJson) {
    return EngineIoSession.messageFrame(SocketIoPacket.eventWithJson(name, payloadJson));
  }

  /**
   * @param connections where authenticated sockets are registered, and through which the relay
   *     pushes to them
   * @param authenticator decides, per handshake, which account a socket belongs to
   * @param eventHandler receives the client's events ({@code submitMessage})
   */
  public static Route create(
      LiveConnections connections,
      SocketAuthenticator authenticator,
      ClientEventHandler eventHandler,
      LiveConfig config,
      RateLimits rateLimits) {
    Objects.requireNonNull(connections, "connections");
    Objects.requireNonNull(authenticator, "authenticator");
    Objects.requireNonNull(eventHandler, "eventHandler");
    Objects.requireNonNull(config, "config");
    SocketsPerClient perClient = new SocketsPerClient(config.maxSocketsPerClient());
    return pathPrefix(
        "socket.io",
        () ->
            pathEndOrSingleSlash(
                () ->
                    extractRequest(
                        request ->
                            extractMaterializer(
                                materializer ->
                                    complete(
                                        handshake(
                                            request,
                                            materializer,
                                            connections,
                                            authenticator,
                                            eventHandler,
                                            config,
                                            RequestClient.of(request, rateLimits),
                                            perClient))))));
  }

  /**
   * Open Engine.IO sockets per client address. A socket counts from the moment its flow runs
   * until it ends; the check at the handshake reads the count without reserving, so a burst of
   * simultaneous handshakes may pass it by a few.
   */
  static final class SocketsPerClient {
    private final int max;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    SocketsPerClient(int max) {
      this.max = max;
    }

    boolean full(String client) {
      AtomicInteger count = open.get(client);
      return max > 0 && count != null && count.get() >= max;
    }

    void opened(String client) {
      open.computeIfAbsent(client, k -> new AtomicInteger()).incrementAndGet();
    }

    void closed(String client) {
      open.computeIfPresent(client, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }

  /** Checks the request the way an Engine.IO server does, in the same order, then upgrades. */
  private static HttpResponse handshake(
      HttpRequest request,
      Materializer materializer,
      LiveConnections connections,
      SocketAuthenticator authenticator,
      ClientEventHandler eventHandler,
      LiveConfig config,
      String client,
      SocketsPerClient perClient) {
    Query query = request.getUri().query();
    if (!query.get("transport").equals(Optional.of("websocket"))) {
      // Polling is not served: every dm3 messenger asks for the WebSocket transport only.
      return badRequest(TRANSPORT_UNKNOWN);
    }
    if (query.get("sid").isPresent()) {
      // A sid means an upgrade of a polling session, and this server never opens one.
      return badRequest(SESSION_ID_UNKNOWN);
    }
    if (!request.method().equals(HttpMethods.GET)) {
      return badRequest(BAD_HANDSHAKE_METHOD);
    }
    Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
    if (upgrade.isEmpty()) {
      return badRequest(BAD_REQUEST);
    }
    if (!query.get("EIO").equals(Optional.of("4"))) {
      return badRequest(UNSUPPORTED_PROTOCOL_VERSION);
    }
    if (perClient.full(client)) {
      return HttpResponse.create()
          .withStatus(StatusCodes.TOO_MANY_REQUESTS)
          .withEntity(ContentTypes.APPLICATION_JSON, TOO_MANY_SOCKETS)
          .addHeader(AccessControlAllowOrigin.create(HttpOriginRanges.ALL))
          .addHeader(RawHeader.create("Retry-After", "10"));
    }
    EngineIoSession session =
        new EngineIoSession(config, connections, authenticator, eventHandler, materializer, client);
    return upgrade
        .get()
        .handleMessagesWith(
            session
                .flow()
                .mapMaterializedValue(
                    notUsed -> {
                      perClient.opened(client);
                      return notUsed;
                    })
                .watchTermination(
                    (notUsed, done) -> {
                      done.whenComplete((ok, failure) -> perClient.closed(client));
                      return notUsed;
                    }));
  }

  private static HttpResponse badRequest(String engineIoError) {
    return HttpResponse.create()
        .withStatus(StatusCodes.BAD_REQUEST)
        .withEntity(ContentTypes.APPLICATION_JSON, engineIoError)
        // The reference serves CORS for any origin; without it a browser could not read the error.
        .addHeader(AccessControlAllowOrigin.create(HttpOriginRanges.ALL));
  }
}
