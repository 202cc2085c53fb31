package dev.dm3relay.node.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's HTTP server: Pekko HTTP's own server layer (parser, renderer, WebSocket upgrade,
 * request timeout) on a TCP binding of ours, with a {@link ConnectionGuard} between the socket and
 * the parser. Pekko's {@code bind} gives no access to a connection's bytes, and the guard needs
 * them to bound how long a request may take to arrive. Connections beyond {@code max-connections}
 * wait in the accept backlog, as with Pekko's binding.
 */
public final class HttpServer {

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  /**
   * @param requestReadTimeout how long a request may take to arrive (head, and again its body)
   * @param maxWebSocketMessageBytes the largest WebSocket message a client may send
   * @param maxConnectionsPerClient connections one peer may hold open (0 = no limit); beyond it a
   *     new one is answered 429 and closed
   * @param shareOf which share a peer's connections count against (its address, an IPv6 peer's
   *     /64), or null for a peer held to no share (a trusted proxy carries many clients)
   */
  public record Limits(
      Duration requestReadTimeout,
      long maxWebSocketMessageBytes,
      int maxConnectionsPerClient,
      java.util.function.Function<java.net.InetAddress, String> shareOf) {}

  /**
   * Connections accepted beyond max-connections only to be refused: they are answered 503 (or 429
   * beyond a client's share) and closed, instead of waiting unanswered in the accept backlog.
   * Past this many refusals at once, new connections wait in the backlog again.
   */
  static final int REFUSAL_HEADROOM = 256;

  private static final ByteString TOO_MANY_CONNECTIONS =
      ConnectionGuard.rawResponse(
          "503 Service Unavailable\r\nRetry-After: 1",
          "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32002,\"message\":\"the relay is at its connection limit, try again in a moment\"}}");

  private static final ByteString CLIENT_CONNECTIONS_FULL =
      ConnectionGuard.rawResponse(
          "429 Too Many Requests\r\nRetry-After: 1",
          "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32005,\"message\":\"too many connections from this address\"}}");

  /** A bound server: where it listens, and how to stop accepting. */
  public record Binding(InetSocketAddress localAddress, Tcp.ServerBinding tcp) {
    public CompletionStage<Done> unbind() {
      return tcp.unbind().thenApply(unit -> Done.getInstance());
    }
  }

  private static final ConnectionLog CONNECTION_LOG = new ConnectionLog();

  private HttpServer() {}

  /**
   * Binds {@code routes} on {@code host:port} with the {@code pekko.http.server} settings. On
   * coordinated shutdown the port is unbound and every connection is told to drain (service-unbind:
   * responses carry Connection: close, WebSockets get 1001), and requests in the handler get up to
   * {@code drainTimeout} to be answered (service-requests-done), as Pekko's own binding does.
   */
  public static CompletionStage<Binding> bind(
      ActorSystem<?> system, String host, int port, Route routes, Limits limits, Duration drainTimeout) {
    ServerSettings settings = ServerSettings.create(Adapter.toClassic(system));
    Materializer materializer = Materializer.matFromSystem(system);
    Flow<HttpRequest, HttpResponse, NotUsed> handler = routes.flow(system);
    ConnectionGuard.Settings guardSettings =
        new ConnectionGuard.Settings(limits.requestReadTimeout(), Duration.ofSeconds(5), limits.maxWebSocketMessageBytes());
    Set<ConnectionGuard> guards = ConcurrentHashMap.newKeySet();
    AtomicInteger inHandler = new AtomicInteger();
    ConnectionShares shares = new ConnectionShares(settings.getMaxConnections(), limits);
    CompletionStage<Tcp.ServerBinding> tcpBinding =
        Tcp.get(system)
            .bind(
                host,
                port,
                settings.getBacklog(),
                settings.getSocketOptions(),
                false,
                Optional.of(idleTimeout(settings)))
            .mapAsyncUnordered(
                settings.getMaxConnections() + REFUSAL_HEADROOM,
                connection -> {
                  ByteString refusal = shares.open(connection.remoteAddress());
                  if (refusal != null) {
                    return refuse(connection, refusal, materializer, shares);
                  }
                  return serve(system, settings, handler, inHandler, guardSettings, guards, connection, materializer)
                      .whenComplete((done, failure) -> shares.close(connection.remoteAddress()));
                })
            .to(Sink.ignore())
            .run(materializer);
    return tcpBinding.thenApply(
        tcp -> {
          Binding binding = new Binding(tcp.localAddress(), tcp);
          CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
          shutdown.addTask(
              CoordinatedShutdown.PhaseServiceUnbind(),
              "dm3-relay-http-unbind",
              () -> binding.unbind().whenComplete((done, failure) -> guards.forEach(ConnectionGuard::drain)));
          shutdown.addTask(
              CoordinatedShutdown.PhaseServiceRequestsDone(),
              "dm3-relay-http-drain",
              () -> drain(system, inHandler::get, drainTimeout));
          return binding;
        });
  }

  /**
   * Open connections in total and per client share. A connection counts from its accept until it
   * ends; a refused one counts for nothing.
   */
  static final class ConnectionShares {
    private final int maxTotal;
    private final Limits limits;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perShare = new ConcurrentHashMap<>();

    ConnectionShares(int maxTotal, Limits limits) {
      this.maxTotal = maxTotal;
      this.limits = limits;
    }

    /** Counts a new connection in, or answers why not (then nothing is counted). */
    ByteString open(InetSocketAddress peer) {
      if (total.incrementAndGet() > maxTotal) {
        total.decrementAndGet();
        return TOO_MANY_CONNECTIONS;
      }
      String share = shareOf(peer);
      if (share != null) {
        AtomicInteger count = perShare.computeIfAbsent(share, k -> new AtomicInteger());
        if (count.incrementAndGet() > limits.maxConnectionsPerClient()) {
          release(share);
          total.decrementAndGet();
          return CLIENT_CONNECTIONS_FULL;
        }
      }
      return null;
    }

    void close(InetSocketAddress peer) {
      total.decrementAndGet();
      String share = shareOf(peer);
      if (share != null) {
        release(share);
      }
    }

    private String shareOf(InetSocketAddress peer) {
      if (limits.maxConnectionsPerClient() <= 0 || peer.getAddress() == null) {
        return null;
      }
      return limits.shareOf().apply(peer.getAddress());
    }

    private void release(String share) {
      perShare.computeIfPresent(share, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }

  /**
   * Answers a refused connection and closes it. Whatever the client sends meanwhile is read and
   * dropped for a second first: closing a socket with unread bytes makes the kernel reset it, and
   * the client would see the reset instead of the answer.
   */
  private static CompletionStage<Done> refuse(
      Tcp.IncomingConnection connection, ByteString answer, Materializer materializer, ConnectionShares shares) {
    log.debug("refused a connection from {}", connection.remoteAddress());
    org.apache.pekko.stream.javadsl.Source<ByteString, NotUsed> out =
        org.apache.pekko.stream.javadsl.Source.single(answer)
            .concat(org.apache.pekko.stream.javadsl.Source.single(ByteString.emptyByteString()).initialDelay(Duration.ofSeconds(1)));
    return connection
        .handleWith(Flow.fromSinkAndSource(Sink.<ByteString>ignore(), out).watchTermination(Keep.right()), materializer)
        .exceptionally(failure -> Done.getInstance());
  }

  private static Duration idleTimeout(ServerSettings settings) {
    scala.concurrent.duration.Duration idle = settings.getTimeouts().idleTimeout();
    return idle.isFinite() ? Duration.ofMillis(idle.toMillis()) : Duration.ofDays(3650);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static CompletionStage<Done> serve(
      ActorSystem<?> system,
      ServerSettings settings,
      Flow<HttpRequest, HttpResponse, NotUsed> handler,
      AtomicInteger inHandler,
      ConnectionGuard.Settings guardSettings,
      Set<ConnectionGuard> guards,
      Tcp.IncomingConnection connection,
      Materializer materializer) {
    try {
      ConnectionGuard guard = new ConnectionGuard(guardSettings, connection.remoteAddress());
      guards.add(guard);
      // Requests of this connection in the handler; whatever is left when it ends was abandoned.
      AtomicInteger mine = new AtomicInteger();
      // TLSPlacebo's inbound side yields SessionBytes, a kind of SslTlsInbound the layer takes.
      BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed> plain =
          (BidiFlow) TLSPlacebo.getInstance();
      BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> stack =
          Http.get(Adapter.toClassic(system))
              .serverLayer(settings, Optional.of(connection.remoteAddress()), CONNECTION_LOG)
              .atop(plain)
              .atop(guard.bytes());
      Flow<ByteString, ByteString, CompletionStage<Done>> flow =
          guard.requests()
              .map(r -> {
                mine.incrementAndGet();
                inHandler.incrementAndGet();
                return r;
              })
              .via(handler)
              .map(r -> {
                mine.decrementAndGet();
                inHandler.decrementAndGet();
                return r;
              })
              .via(guard.responses())
              .watchTermination(Keep.right())
              .join(stack);
      return connection
          .handleWith(flow, materializer)
          .exceptionally(failure -> Done.getInstance()) // a connection's failure is that connection's
          .whenComplete(
              (done, failure) -> {
                guards.remove(guard);
                inHandler.addAndGet(-mine.getAndSet(0));
              });
    } catch (RuntimeException e) {
      log.warn("could not serve a connection from {}: {}", connection.remoteAddress(), e.toString());
      return CompletableFuture.completedFuture(Done.getInstance());
    }
  }

  /** Completes once no request is in flight, or after {@code timeout}. */
  private static CompletionStage<Done> drain(ActorSystem<?> system, IntSupplier inFlight, Duration timeout) {
    CompletableFuture<Done> drained = new CompletableFuture<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    Runnable[] check = new Runnable[1];
    check[0] =
        () -> {
          if (inFlight.getAsInt() == 0 || System.nanoTime() >= deadline) {
            drained.complete(Done.getInstance());
          } else {
            system.scheduler().scheduleOnce(Duration.ofMillis(50), check[0], system.executionContext());
          }
        };
    check[0].run();
    return drained;
  }
}
