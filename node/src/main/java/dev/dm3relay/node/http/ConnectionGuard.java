package dev.dm3relay.node.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one connection's bytes, under Pekko HTTP's parser, for what the parser itself does not
 * bound in time:
 *
 * <ul>
 *   <li><b>A request must arrive whole in time.</b> From the connection's opening, or from the first
 *       byte after the previous request's body, the request head must be in within {@code
 *       requestReadTimeout}; its body gets the same again plus a grace (the route reads it under
 *       {@code toStrictEntity} with that timeout and answers 408 itself; this is the backstop).
 *       Otherwise the connection is closed. Time the handler takes is not counted (Pekko's own
 *       request-timeout bounds that). Pekko's idle-timeout never fires while a slowloris client
 *       sends a byte every few seconds, and its request-timeout starts only once a request is in.
 *   <li><b>A WebSocket message must fit.</b> After an upgrade, each message's length is read from
 *       its frame headers before its payload arrives; one over {@code maxWebSocketMessageBytes} is
 *       never handed to Pekko: the client gets a close frame with 1009 (message too big) and the
 *       connection ends, with one WARN line. A client that sends frames before the server's 101
 *       (RFC 6455 says it must wait) is closed with 1002: its frames could not be followed.
 *   <li><b>Draining.</b> Once {@link #drain()} is called (shutdown), responses carry {@code
 *       Connection: close}, and upgraded connections get a 1001 (going away) close frame.
 * </ul>
 *
 * The HTTP layer tells the guard where requests stand through {@link #requests()} and {@link
 * #responses()}, which sit around the request handler of the same connection.
 */
final class ConnectionGuard {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  /**
   * The answer to a connection whose first request never arrived whole. Written only when nothing
   * else was ever sent on the connection, so it cannot land inside another response.
   */
  private static final ByteString REQUEST_TIMEOUT = rawResponse(
      "408 Request Timeout",
      "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"The request did not arrive in time\"}}");

  static ByteString rawResponse(String status, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return ByteString.fromString(
        "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
            + body.length + "\r\n\r\n" + json,
        StandardCharsets.UTF_8);
  }

  /**
   * @param requestReadTimeout time for a request head to arrive, and again for its body
   * @param bodyGrace added to the body's time, so that the route's own 408 comes first
   * @param maxWebSocketMessageBytes the largest WebSocket message a client may send
   */
  record Settings(Duration requestReadTimeout, Duration bodyGrace, long maxWebSocketMessageBytes) {}

  private enum Signal {
    HEAD_RECEIVED,
    UPGRADE_REQUESTED,
    BODY_RECEIVED,
    UPGRADED,
    DRAIN
  }

  private final Settings settings;
  private final InetSocketAddress remote;
  private volatile AsyncCallback<Signal> signals;
  private volatile boolean draining;

  ConnectionGuard(Settings settings, InetSocketAddress remote) {
    this.settings = settings;
    this.remote = remote;
  }

  /** Shutdown: answer each request with Connection: close, send upgraded clients 1001. */
  void drain() {
    draining = true;
    signal(Signal.DRAIN);
  }

  /**
   * Goes between the request parser and the handler: a request head is in, and (once its entity is
   * read through, or at once when it is strict) its body.
   */
  Flow<HttpRequest, HttpRequest, NotUsed> requests() {
    return Flow.<HttpRequest>create()
        .map(
            request -> {
              boolean upgrade = request.getHeader("Upgrade").isPresent();
              signal(upgrade ? Signal.UPGRADE_REQUESTED : Signal.HEAD_RECEIVED);
              RequestEntity entity = request.entity();
              if (entity.isStrict() || entity.isKnownEmpty()) {
                signal(Signal.BODY_RECEIVED);
                return request;
              }
              return request.withEntity(watched(entity));
            });
  }

  /** The same entity, telling the guard when its last byte went through (or the stream ended). */
  private RequestEntity watched(RequestEntity entity) {
    org.apache.pekko.stream.scaladsl.Flow<ByteString, ByteString, Object> watch =
        Flow.<ByteString>create()
            .watchTermination(
                (NotUsed notUsed, java.util.concurrent.CompletionStage<org.apache.pekko.Done> done) -> {
                  done.whenComplete((ok, failure) -> signal(Signal.BODY_RECEIVED));
                  return (Object) notUsed;
                })
            .asScala();
    org.apache.pekko.http.scaladsl.model.RequestEntity scala = (org.apache.pekko.http.scaladsl.model.RequestEntity) entity;
    if (scala instanceof org.apache.pekko.http.scaladsl.model.HttpEntity.Default known) {
      return known.transformDataBytes(known.contentLength(), watch); // keeps its Content-Length
    }
    return scala.transformDataBytes(watch);
  }

  /** Goes between the handler and the response renderer: an upgrade, and Connection: close while draining. */
  Flow<HttpResponse, HttpResponse, NotUsed> responses() {
    return Flow.<HttpResponse>create()
        .map(
            response -> {
              if (response.status().intValue() == 101) {
                signal(Signal.UPGRADED);
                return response;
              }
              return draining ? response.addHeader(Connection.create("close")) : response;
            });
  }

  private void signal(Signal signal) {
    AsyncCallback<Signal> callback = signals;
    if (callback != null) {
      callback.invoke(signal);
    }
  }

  /** The byte-level stage: top = towards the client (responses), bottom = from the client. */
  BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> bytes() {
    return BidiFlow.fromGraph(new Stage());
  }

  private final class Stage extends GraphStage<BidiShape<ByteString, ByteString, ByteString, ByteString>> {
    private final Inlet<ByteString> fromApp = Inlet.create("ConnectionGuard.fromApp");
    private final Outlet<ByteString> toNet = Outlet.create("ConnectionGuard.toNet");
    private final Inlet<ByteString> fromNet = Inlet.create("ConnectionGuard.fromNet");
    private final Outlet<ByteString> toApp = Outlet.create("ConnectionGuard.toApp");
    private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape =
        new BidiShape<>(fromApp, toNet, fromNet, toApp);

    @Override
    public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
      return new TimerGraphStageLogic(shape) {
        private static final String DEADLINE = "deadline";
        private static final String CLOSE_FALLBACK = "close";

        /** A deadline runs: for a head (first bytes seen) or for a body (head in). */
        private boolean armed;
        /** Between a head and its body's end: bytes belong to the body. */
        private boolean inBody;
        private boolean anyRequest;
        /** An upgrade was asked for and its 101 has not gone out yet. */
        private boolean upgradePending;
        /** Client bytes arrived while an upgrade was pending: frames sent before the 101. */
        private boolean earlyFrames;
        private boolean webSocket;
        private boolean closing;
        private WebSocketFrames inbound;
        private WebSocketFrames outbound;
        private ByteString pendingClose;
        /** Client bytes since the last blank line (CRLF CRLF), and how much of one is matched. */
        private long sinceBlankLine;
        private int blankMatched;

        {
          setHandler(
              fromNet,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  onBytesFromClient(grab(fromNet));
                }

                @Override
                public void onUpstreamFinish() {
                  complete(toApp);
                }

                @Override
                public void onUpstreamFailure(Throwable ex) {
                  fail(toApp, ex);
                }
              });
          setHandler(
              toApp,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  if (!closing) {
                    pull(fromNet);
                  }
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                  cancel(fromNet, cause);
                }
              });
          setHandler(
              fromApp,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  onBytesToClient(grab(fromApp));
                }

                @Override
                public void onUpstreamFinish() {
                  complete(toNet);
                }

                @Override
                public void onUpstreamFailure(Throwable ex) {
                  fail(toNet, ex);
                }
              });
          setHandler(
              toNet,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  pull(fromApp);
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                  cancel(fromApp, cause);
                }
              });
        }

        @Override
        public void preStart() {
          signals = createAsyncCallback(this::onSignal);
          arm(settings.requestReadTimeout()); // the first request, from the connection's opening
          if (draining) {
            onSignal(Signal.DRAIN);
          }
        }

        /**
         * When the running deadline ends (System.nanoTime); meaningful while {@link #armed}. A
         * deadline is a field, not a timer per request: a keep-alive connection arms and disarms
         * two deadlines a request, and scheduling and cancelling a timer each time was ~2 % of the
         * relay's CPU at 1,500 submits/s. One timer stays scheduled no later than the deadline;
         * when it fires early (the deadline moved on) it is scheduled again for the rest.
         */
        private long deadline;
        /** When the scheduled timer fires (System.nanoTime); 0 when none is scheduled. */
        private long timerAt;

        private void arm(Duration within) {
          armed = true;
          deadline = System.nanoTime() + within.toNanos();
          if (timerAt == 0 || timerAt - deadline > 0) {
            schedule(deadline);
          }
        }

        private void schedule(long at) {
          timerAt = at;
          scheduleOnce(DEADLINE, Duration.ofNanos(Math.max(0, at - System.nanoTime())));
        }

        private void disarm() {
          armed = false; // the timer, if any, finds nothing due and lapses
        }

        private void onSignal(Signal signal) {
          switch (signal) {
            case HEAD_RECEIVED, UPGRADE_REQUESTED -> {
              anyRequest = true;
              inBody = true;
              upgradePending = signal == Signal.UPGRADE_REQUESTED;
              if (upgradePending && sinceBlankLine > 0) {
                earlyFrames = true; // bytes after the upgrade request's head, in the same read
              }
              arm(settings.requestReadTimeout().plus(settings.bodyGrace())); // now the body's time
            }
            case BODY_RECEIVED -> {
              inBody = false;
              disarm(); // the handler's time is Pekko's request-timeout's business
            }
            case UPGRADED -> {
              disarm();
              webSocket = true;
              inbound = new WebSocketFrames(settings.maxWebSocketMessageBytes());
              outbound = new WebSocketFrames(Long.MAX_VALUE);
              if (earlyFrames) {
                log.warn("WebSocket frames from {} before the 101: closing the connection with 1002", host());
                closeWith(WebSocketFrames.closeFrame(1002, "frames before the handshake"));
              } else if (draining) {
                closeWith(WebSocketFrames.closeFrame(1001, "going away"));
              }
            }
            case DRAIN -> {
              if (webSocket && !closing) {
                closeWith(WebSocketFrames.closeFrame(1001, "going away"));
              }
            }
          }
        }

        private String host() {
          return remote == null || remote.getAddress() == null ? "?" : remote.getAddress().getHostAddress();
        }

        private void onBytesFromClient(ByteString bytes) {
          if (closing) {
            return; // read no more: the connection is on its way out
          }
          if (webSocket) {
            inbound.read(bytes, 0, false);
            if (inbound.tooLarge()) {
              log.warn(
                  "WebSocket message over {} bytes from {}: closing the connection with 1009",
                  settings.maxWebSocketMessageBytes(),
                  host());
              closeWith(WebSocketFrames.closeFrame(1009, "message too big"));
              return;
            }
          } else {
            trackBlankLines(bytes);
            if (upgradePending && !inBody) {
              earlyFrames = true; // an upgrade request has no body: these are frames sent too soon
            } else if (!armed) {
              arm(settings.requestReadTimeout()); // the next request's first byte
            }
          }
          push(toApp, bytes);
        }

        /**
         * Follows where the last request head ended (its blank line), so that bytes a client sends
         * behind an upgrade request in the same read are seen for what they are.
         */
        private void trackBlankLines(ByteString bytes) {
          // the backing array of a read (no copy when it is one chunk): ByteString.apply per byte
          // was the relay's hottest frame of our own at 1,500 submits/s
          byte[] array = bytes.toArrayUnsafe();
          for (int i = 0; i < array.length; i++) {
            byte b = array[i];
            boolean expected = (blankMatched % 2 == 0) ? b == '\r' : b == '\n';
            blankMatched = expected ? blankMatched + 1 : (b == '\r' ? 1 : 0);
            if (blankMatched == 4) {
              blankMatched = 0;
              sinceBlankLine = 0;
            } else {
              sinceBlankLine++;
            }
          }
        }

        private void onBytesToClient(ByteString bytes) {
          if (!webSocket) {
            push(toNet, bytes);
            return;
          }
          if (!closing) {
            outbound.read(bytes, 0, false);
            push(toNet, bytes);
            return;
          }
          // Closing: pass on up to the end of the frame under way, then the close frame.
          int cut = outbound.read(bytes, 0, true);
          if (outbound.atBoundary()) {
            emitMultiple(toNet, java.util.List.of(bytes.take(cut), pendingClose).iterator(), this::completeStage);
          } else {
            push(toNet, bytes);
          }
        }

        /** Sends {@code closeFrame} between two outgoing frames, then ends the connection. */
        private void closeWith(ByteString closeFrame) {
          closing = true;
          pendingClose = closeFrame;
          scheduleOnce(CLOSE_FALLBACK, Duration.ofSeconds(5));
          if (outbound.atBoundary()) {
            emit(toNet, closeFrame, this::completeStage);
          } else if (!hasBeenPulled(fromApp) && isAvailable(toNet)) {
            pull(fromApp); // the rest of the frame under way
          }
        }

        @Override
        public void onTimer(Object key) {
          if (CLOSE_FALLBACK.equals(key)) {
            completeStage();
            return;
          }
          timerAt = 0;
          if (!armed) {
            return;
          }
          if (deadline - System.nanoTime() > 0) {
            schedule(deadline); // re-armed since this timer was set: not due yet
            return;
          }
          armed = false;
          log.debug("a request from {} did not arrive whole in time: closing the connection", host());
          if (!anyRequest && !webSocket) {
            emit(toNet, REQUEST_TIMEOUT, this::completeStage);
          } else {
            completeStage();
          }
        }
      };
    }
  }
}
