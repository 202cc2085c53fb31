package dev.dm3relay.node.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
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
 *       byte after the previous response, the request head must be in within {@code
 *       requestReadTimeout}; its body gets the same again plus a grace (the route reads it under
 *       {@code toStrictEntity} with that timeout and answers 408 itself; this is the backstop).
 *       Otherwise the connection is closed. Pekko's request-timeout starts only once a request is
 *       in, and its idle-timeout never fires while a slowloris client sends a byte every few
 *       seconds.
 *   <li><b>A WebSocket message must fit.</b> After an upgrade, each message's length is read from
 *       its frame headers before its payload arrives; one over {@code maxWebSocketMessageBytes} is
 *       never handed to Pekko: the client gets a close frame with 1009 (message too big) and the
 *       connection ends, with one WARN line.
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
  private static final ByteString REQUEST_TIMEOUT =
      ByteString.fromString(
          "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
              + timeoutBody().length
              + "\r\n\r\n"
              + new String(timeoutBody(), StandardCharsets.UTF_8),
          StandardCharsets.UTF_8);

  private static byte[] timeoutBody() {
    return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"The request did not arrive in time\"}}"
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param requestReadTimeout time for a request head to arrive, and again for its body
   * @param bodyGrace added to the body's time, so that the route's own 408 comes first
   * @param maxWebSocketMessageBytes the largest WebSocket message a client may send
   */
  record Settings(Duration requestReadTimeout, Duration bodyGrace, long maxWebSocketMessageBytes) {}

  private enum Signal {
    HEAD_RECEIVED,
    RESPONDED,
    UPGRADED
  }

  private final Settings settings;
  private final InetSocketAddress remote;
  private volatile AsyncCallback<Signal> signals;

  ConnectionGuard(Settings settings, InetSocketAddress remote) {
    this.settings = settings;
    this.remote = remote;
  }

  /** Goes between the request parser and the handler: a request head is in. */
  Flow<HttpRequest, HttpRequest, NotUsed> requests() {
    return Flow.<HttpRequest>create()
        .map(
            request -> {
              signal(Signal.HEAD_RECEIVED);
              return request;
            });
  }

  /** Goes between the handler and the response renderer: a request is answered (or upgraded). */
  Flow<HttpResponse, HttpResponse, NotUsed> responses() {
    return Flow.<HttpResponse>create()
        .map(
            response -> {
              signal(response.status().intValue() == 101 ? Signal.UPGRADED : Signal.RESPONDED);
              return response;
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

        private boolean armed;
        private boolean anyRequest;
        private boolean webSocket;
        private boolean closing;
        private WebSocketFrames inbound;
        private WebSocketFrames outbound;

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
        }

        private void arm(Duration within) {
          armed = true;
          scheduleOnce(DEADLINE, within);
        }

        private void disarm() {
          armed = false;
          cancelTimer(DEADLINE);
        }

        private void onSignal(Signal signal) {
          switch (signal) {
            case HEAD_RECEIVED -> {
              anyRequest = true;
              if (armed) {
                arm(settings.requestReadTimeout().plus(settings.bodyGrace())); // now the body's time
              }
            }
            case RESPONDED -> disarm();
            case UPGRADED -> {
              disarm();
              webSocket = true;
              inbound = new WebSocketFrames(settings.maxWebSocketMessageBytes());
              outbound = new WebSocketFrames(Long.MAX_VALUE);
            }
          }
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
                  remote == null || remote.getAddress() == null ? "?" : remote.getAddress().getHostAddress());
              closeWith(WebSocketFrames.closeFrame(1009, "message too big"));
              return;
            }
          } else if (!armed) {
            arm(settings.requestReadTimeout()); // the next request's first byte
          }
          push(toApp, bytes);
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

        private ByteString pendingClose;

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
          armed = false;
          log.debug("a request from {} did not arrive whole in time: closing the connection", remote);
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
