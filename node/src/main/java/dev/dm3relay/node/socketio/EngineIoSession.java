package dev.dm3relay.node.socketio;

import dev.dm3relay.node.live.LiveSocket;
import dev.dm3relay.node.live.SocketAuthenticator;
import dev.dm3relay.node.live.LiveConnections;
import dev.dm3relay.node.live.ClientEventHandler;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One Engine.IO (protocol 4) connection over a WebSocket, carrying the Socket.IO default namespace:
 * handshake, authentication, heartbeat, client events and outgoing frames.
 *
 * <p>Threads: inbound frames arrive one at a time from the stream; authentication results, handler
 * replies, timers and {@link LiveConnections#push} arrive from other threads. State changes happen
 * under this object's lock; outgoing frames go through a {@link BoundedSourceQueue}, which is safe
 * to offer to from any thread and never blocks.
 */
final class EngineIoSession implements LiveSocket {

  private static final System.Logger LOG = System.getLogger(EngineIoSession.class.getName());

  /** The reference's refusal text (socketAuth in dm3-lib-server-side). */
  static final String REFUSAL_MESSAGE = "check token has failed for WS";

  static final String AUTHORIZED = "authorized";
  static final String UNAUTHORIZED = "unauthorized";

  private static final SecureRandom RANDOM = new SecureRandom();

  private enum State {
    AWAITING_CONNECT,
    AUTHENTICATING,
    CONNECTED,
    CLOSED
  }

  /** An inbound WebSocket message read in full, or why it was refused. */
  private record Inbound(String text, String problem, boolean tooLarge) {
    Inbound(String text, String problem) {
      this(text, problem, false);
    }
  }

  private final LiveConfig config;
  private final LiveConnections connections;
  private final SocketAuthenticator authenticator;
  /** The client's address (as the rate limits key it): its events take that address's tokens. */
  private final String client;
  private final ClientEventHandler handler;
  private final Materializer materializer;
  private final String engineId = randomId();
  private final String socketId = randomId();

  /** Bytes offered to {@link #out} and not yet taken by the WebSocket. */
  private final AtomicLong queuedBytes = new AtomicLong();

  /** This socket's share of the node's outgoing budget (see {@link #sendEngine}). */
  private final AtomicLong reservedFromNode = new AtomicLong();

  private final java.util.concurrent.atomic.AtomicBoolean tornDown = new java.util.concurrent.atomic.AtomicBoolean();

  private final AtomicInteger pendingEvents = new AtomicInteger();
  private final BoundedSourceQueue<String> out;
  private final UniqueKillSwitch outSwitch;
  private final Source<String, NotUsed> outgoing;

  // Guarded by this.
  private State state = State.AWAITING_CONNECT;
  private String account;
  private boolean awaitingPong;
  private Cancellable nextPing;
  private Cancellable pongDeadline;
  private Cancellable connectDeadline;
  private Cancellable tokenExpiry;

  EngineIoSession(
      LiveConfig config,
      LiveConnections connections,
      SocketAuthenticator authenticator,
      ClientEventHandler handler,
      Materializer materializer,
      String client) {
    this.client = client;
    this.config = config;
    this.connections = connections;
    this.authenticator = authenticator;
    this.handler = handler;
    this.materializer = materializer;
    // Materialised up front so that the queue exists before the first inbound frame can arrive.
    // The kill switch ends the outgoing side at once, dropping what is queued: completing the
    // queue would wait for a client that does not read, and failing it is logged as an error.
    Pair<Pair<BoundedSourceQueue<String>, UniqueKillSwitch>, Source<String, NotUsed>> queue =
        Source.<String>queue(config.outgoingBufferMessages())
            .viaMat(KillSwitches.single(), Keep.both())
            .preMaterialize(materializer);
    this.out = queue.first().first();
    this.outSwitch = queue.first().second();
    this.outgoing = queue.second();
  }

  /** The WebSocket handler; materialised once by Pekko HTTP when the upgrade completes. */
  Flow<Message, Message, NotUsed> flow() {
    Source<Message, NotUsed> toClient =
        outgoing.map(
            frame -> {
              released(utf8Length(frame));
              return (Message) TextMessage.create(frame);
            });
    Sink<Message, NotUsed> fromClient =
        Flow.<Message>create()
            .mapAsync(1, this::read)
            .watchTermination(
                (notUsed, done) -> {
                  done.whenComplete((ok, failure) -> close("transport closed", true));
                  return notUsed;
                })
            .to(Sink.foreach(this::onFrame));
    // Coupled: when the server completes the outgoing side the WebSocket closes, and when the
    // client goes away the outgoing side is cancelled.
    return Flow.fromSinkAndSourceCoupled(fromClient, toClient)
        .mapMaterializedValue(
            notUsed -> {
              start();
              return notUsed;
            });
  }

  /** The Engine.IO frame that carries one Socket.IO packet. */
  static String messageFrame(String socketIoPacket) {
    return "4" + socketIoPacket;
  }

  private boolean send(String socketIoPacket) {
    return sendEngine(messageFrame(socketIoPacket));
  }

  @Override
  public boolean sendFrame(String engineFrame) {
    return sendEngine(engineFrame);
  }

  @Override
  public void disconnect(String reason) {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
    }
    send(SocketIoPacket.disconnect());
    close(reason, true);
  }

  // --- lifecycle -------------------------------------------------------------------------------

  private synchronized void start() {
    sendEngine(
        "0{\"sid\":"
            + Json.quote(engineId)
            + ",\"upgrades\":[],\"pingInterval\":"
            + config.pingInterval().toMillis()
            + ",\"pingTimeout\":"
            + config.pingTimeout().toMillis()
            + ",\"maxPayload\":"
            + config.maxPayloadBytes()
            + "}");
    nextPing = schedule(config.pingInterval(), this::ping);
    connectDeadline =
        schedule(config.connectTimeout(), () -> close("no authenticated connection in time", true));
  }

  /**
   * Ends the connection once. {@code flush} lets queued frames (a CONNECT_ERROR, a DISCONNECT)
   * reach the client before the WebSocket closes; without it they are discarded, which is what a
   * slow or dead client gets. Either way the WebSocket is closed normally, not failed.
   */
  private void close(String reason, boolean flush) {
    String registered;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      registered = account;
      cancel(nextPing);
      cancel(pongDeadline);
      cancel(connectDeadline);
      cancel(tokenExpiry);
    }
    if (registered != null) {
      connections.remove(registered, this);
    }
    if (flush) {
      try {
        out.complete();
      } catch (IllegalStateException alreadyDone) {
        // the WebSocket side ended first (the client went away): nothing left to flush
      }
      // A client that stopped reading would otherwise hold the connection until the idle timeout.
      schedule(config.pingTimeout(), () -> {
        outSwitch.shutdown();
        releaseAll();
      });
    } else {
      outSwitch.shutdown();
      releaseAll();
    }
    LOG.log(DEBUG, "socket {0} closed: {1}", engineId, reason);
  }

  // --- heartbeat -------------------------------------------------------------------------------

  private void ping() {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      awaitingPong = true;
      pongDeadline = schedule(config.pingTimeout(), () -> close("ping timeout", false));
    }
    sendEngine("2");
  }

  private void onPong() {
    synchronized (this) {
      if (state == State.CLOSED || !awaitingPong) {
        return; // an unsolicited pong neither proves liveness twice nor schedules a second ping
      }
      awaitingPong = false;
      cancel(pongDeadline);
      nextPing = schedule(config.pingInterval(), this::ping);
    }
  }

  // --- inbound ---------------------------------------------------------------------------------

  private CompletionStage<Inbound> read(Message message) {
    int limit = config.maxPayloadBytes();
    if (!message.isText()) {
      // Engine.IO sends binary frames only for Socket.IO binary attachments, which dm3 does not
      // use. Drain a streamed one so the connection does not stall before it is closed.
      if (!message.isStrict()) {
        message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer);
      }
      return CompletableFuture.completedFuture(new Inbound(null, "binary frame"));
    }
    TextMessage text = message.asTextMessage();
    if (text.isStrict()) {
      String frame = text.getStrictText();
      return CompletableFuture.completedFuture(
          utf8Length(frame) > limit
              ? new Inbound(null, "message larger than " + limit + " bytes", true)
              : new Inbound(frame, null));
    }
    return text.getStreamedText()
        .limitWeighted(limit, EngineIoSession::utf8Length)
        .runFold(new StringBuilder(), StringBuilder::append, materializer)
        .handle(
            (built, failure) ->
                failure == null
                    ? new Inbound(built.toString(), null)
                    : new Inbound(null, "message larger than " + limit + " bytes or cut off", true));
  }

  private void onFrame(Inbound inbound) {
    try {
      if (inbound.problem() != null) {
        if (inbound.tooLarge()) {
          // The connection guard closes such sockets with 1009 before Pekko reads the message;
          // this is the second line, for a message it could not see (e.g. no guard in front).
          LOG.log(WARNING, "socket {0}: {1}; closing it", engineId, inbound.problem());
          close("message too large", false);
          return;
        }
        refuseFrame(inbound.problem());
        return;
      }
      String frame = inbound.text();
      if (frame.isEmpty()) {
        refuseFrame("empty frame");
        return;
      }
      switch (frame.charAt(0)) {
        case '2' -> sendEngine("3" + frame.substring(1)); // a client probe: answer in kind
        case '3' -> onPong();
        case '4' -> onSocketIo(frame.substring(1));
        case '1' -> close("client closed the transport", true);
        case '5', '6' -> {
          // upgrade and noop only matter when switching from polling, which is never offered
        }
        default -> refuseFrame("unknown Engine.IO packet type");
      }
    } catch (RuntimeException e) {
      // A bug here must cost one socket, never the stream machinery or the server.
      LOG.log(WARNING, "socket " + engineId + " failed on an inbound frame", e);
      close("internal error", false);
    }
  }

  private void refuseFrame(String why) {
    LOG.log(DEBUG, "socket {0}: closing on malformed input: {1}", engineId, why);
    close("malformed input: " + why, true);
  }

  private void onSocketIo(String text) {
    SocketIoPacket packet;
    try {
      packet = SocketIoPacket.decode(text);
    } catch (SocketIoPacket.MalformedPacketException e) {
      refuseFrame(e.getMessage());
      return;
    }
    boolean defaultNamespace = SocketIoPacket.DEFAULT_NAMESPACE.equals(packet.namespace());
    switch (packet.type()) {
      case SocketIoPacket.CONNECT -> {
        if (defaultNamespace) {
          onConnect(packet);
        } else {
          // The client's manager closes the transport itself once no namespace is left.
          send(SocketIoPacket.connectError(packet.namespace(), "Invalid namespace"));
        }
      }
      case SocketIoPacket.DISCONNECT -> {
        if (defaultNamespace) {
          close("client disconnected", true);
        }
      }
      case SocketIoPacket.EVENT -> {
        if (defaultNamespace) {
          onEvent(packet);
        }
      }
      default -> {
        // ACK: the server never asks a client for one, so there is nothing to match it to.
      }
    }
  }

  // --- handshake -------------------------------------------------------------------------------

  private void onConnect(SocketIoPacket packet) {
    synchronized (this) {
      if (state != State.AWAITING_CONNECT) {
        LOG.log(DEBUG, "socket {0}: repeated CONNECT ignored", engineId);
        return;
      }
      state = State.AUTHENTICATING;
    }
    JsonNode auth = packet.data() == null ? Json.newObject() : packet.data();
    CompletionStage<Optional<SocketAuthenticator.Authorized>> result;
    try {
      result = authenticator.authenticate(auth);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    if (result == null) {
      result = CompletableFuture.completedFuture(Optional.empty());
    }
    result.whenComplete(this::onAuthenticated);
  }

  private synchronized void onAuthenticated(Optional<SocketAuthenticator.Authorized> key, Throwable failure) {
    if (state != State.AUTHENTICATING) {
      return; // closed meanwhile: the client left or the connect timeout struck
    }
    if (failure != null) {
      LOG.log(WARNING, "socket {0}: authenticator failed: {1}", engineId, unwrap(failure));
      LOG.log(DEBUG, "authenticator failure", failure);
    }
    if (failure != null || key == null || key.isEmpty() || key.get().account() == null || key.get().account().isEmpty()) {
      refuse();
      return;
    }
    state = State.CONNECTED;
    account = key.get().account();
    cancel(connectDeadline);
    // A request with this token would be refused from then on; so is the socket.
    long secondsLeft = key.get().expiresAtEpochSeconds() - System.currentTimeMillis() / 1000;
    tokenExpiry = schedule(Duration.ofSeconds(Math.max(0, secondsLeft)), () -> disconnect("token expired"));
    // The CONNECT reply first: a client only emits events received after it.
    send(SocketIoPacket.connectReply(socketId));
    // Joined before `authorized` is sent: a message pushed from then on is queued to this socket,
    // so the client misses nothing accepted after it heard `authorized`.
    if (state == State.CONNECTED) { // not dropped while queueing the CONNECT reply
      connections.add(account, this);
      LOG.log(DEBUG, "socket {0} connected for {1}", engineId, account);
    }
    send(SocketIoPacket.event(AUTHORIZED, null));
  }

  private void refuse() {
    switch (config.refusal()) {
      case CONNECT_ERROR ->
          send(SocketIoPacket.connectError(SocketIoPacket.DEFAULT_NAMESPACE, REFUSAL_MESSAGE));
      case UNAUTHORIZED_EVENT -> {
        send(SocketIoPacket.connectReply(socketId));
        send(SocketIoPacket.event(UNAUTHORIZED, null));
        send(SocketIoPacket.disconnect());
      }
    }
    close("refused", true);
  }

  // --- client events ---------------------------------------------------------------------------

  private void onEvent(SocketIoPacket packet) {
    String owner;
    synchronized (this) {
      if (state != State.CONNECTED) {
        return; // a client emits nothing before CONNECT; nothing to answer after close
      }
      owner = account;
    }
    if (pendingEvents.incrementAndGet() > config.maxPendingEvents()) {
      pendingEvents.decrementAndGet();
      LOG.log(DEBUG, "socket {0}: too many pending events", engineId);
      if (packet.wantsAck()) {
        send(SocketIoPacket.ack(packet.ackId(), error("too many pending requests")));
      }
      return;
    }
    String name = packet.eventName();
    JsonNode payload =
        packet.firstArgument() == null ? MissingNode.getInstance() : packet.firstArgument();
    CompletionStage<JsonNode> reply;
    try {
      reply = handler.onEvent(owner, client, name, payload);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    if (reply == null) {
      reply = CompletableFuture.completedFuture(null);
    }
    // A copy, so that the timeout never completes a future the handler may share.
    reply
        .thenApply(Function.identity())
        .toCompletableFuture()
        .orTimeout(config.eventTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (value, failure) -> {
              pendingEvents.decrementAndGet();
              onEventHandled(packet, name, value, failure);
            });
  }

  private void onEventHandled(
      SocketIoPacket packet, String name, JsonNode value, Throwable failure) {
    if (failure != null) {
      Throwable cause = unwrap(failure);
      if (cause instanceof TimeoutException) {
        LOG.log(WARNING, "socket {0}: handler for {1} timed out", engineId, name);
      } else {
        LOG.log(WARNING, "socket {0}: handler for {1} failed: {2}", engineId, name, cause);
        LOG.log(DEBUG, "handler failure", cause);
      }
      if (packet.wantsAck()) {
        send(SocketIoPacket.ack(packet.ackId(), error("internal error")));
      }
      return;
    }
    if (value == null) {
      LOG.log(DEBUG, "socket {0}: ignored unknown event {1}", engineId, name);
      return;
    }
    if (packet.wantsAck()) {
      send(SocketIoPacket.ack(packet.ackId(), value));
    }
  }

  // --- outbound --------------------------------------------------------------------------------

  /**
   * Queues one Engine.IO frame; a client that cannot keep up is dropped rather than buffered. Two
   * bounds: the socket's own buffer (a frame always fits an empty one) and the node's budget for
   * all sockets together, of which this socket holds {@link #reservedFromNode}: reserved here,
   * given back when the WebSocket takes the frame, and all of it once the socket is torn down
   * (whatever is still queued then is never taken). A frame offered while or after the socket
   * closes gives its reservation back itself.
   */
  private boolean sendEngine(String frame) {
    if (tornDown.get()) {
      return false;
    }
    long weight = utf8Length(frame);
    long before = queuedBytes.getAndAdd(weight);
    if (before > 0 && before + weight > config.outgoingBufferBytes()) {
      queuedBytes.addAndGet(-weight);
      dropSlowClient();
      return false;
    }
    if (!connections.reserve(weight)) {
      queuedBytes.addAndGet(-weight);
      LOG.log(WARNING, "socket {0}: the node''s outgoing budget is spent; dropping this client", engineId);
      close("node outgoing budget spent", false);
      return false;
    }
    reservedFromNode.addAndGet(weight);
    if (tornDown.get()) { // torn down meanwhile: its teardown may have missed this reservation
      released(weight);
      return false;
    }
    QueueOfferResult result = out.offer(frame);
    if (result.isEnqueued()) {
      return true;
    }
    released(weight);
    if (result == QueueOfferResult.dropped()) {
      dropSlowClient();
    }
    return false; // otherwise closed already
  }

  /** A frame of {@code weight} bytes left the queue (taken by the WebSocket, or never queued). */
  private void released(long weight) {
    queuedBytes.getAndUpdate(v -> Math.max(0, v - weight));
    long held = reservedFromNode.getAndUpdate(v -> Math.max(0, v - weight));
    connections.release(Math.min(held, weight));
  }

  /** The socket's outgoing side is shut: whatever it still holds of the node's budget goes back. */
  private void releaseAll() {
    tornDown.set(true);
    queuedBytes.set(0);
    connections.release(reservedFromNode.getAndSet(0));
  }

  private void dropSlowClient() {
    LOG.log(INFO, "socket {0}: dropping a client that does not read its frames", engineId);
    close("outgoing buffer full", false);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Schedules on the actor system; null once the system is shutting down (nothing left to do). */
  private Cancellable schedule(Duration delay, Runnable task) {
    try {
      return materializer
          .system()
          .scheduler()
          .scheduleOnce(delay, task, materializer.executionContext());
    } catch (IllegalStateException shuttingDown) {
      return null;
    }
  }

  private static void cancel(Cancellable timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  private static ObjectNode error(String message) {
    ObjectNode node = Json.newObject();
    node.put("error", message);
    return node;
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private static String randomId() {
    byte[] bytes = new byte[15];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** UTF-8 length without encoding: the limits are in bytes, as Engine.IO's are. */
  static long utf8Length(CharSequence s) {
    return CanonicalJson.utf8Length(s);
  }
}
