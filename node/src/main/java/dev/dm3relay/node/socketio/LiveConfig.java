package dev.dm3relay.node.socketio;

import dev.dm3relay.node.live.SocketAuthenticator;
import dev.dm3relay.node.live.ClientEventHandler;

import java.time.Duration;
import com.typesafe.config.Config;
import java.util.Objects;

/**
 * Settings of the Socket.IO endpoint, read from live.conf by {@link #from}; its defaults mirror the
 * reference's socket.io 4 server, so that dm3 messengers see the same timing they see there. The
 * {@code with…} copies are for tests that need other timing.
 *
 * @param pingInterval how long the server waits between its heartbeat pings (Engine.IO {@code
 *     pingInterval}; socket.io default 25 s)
 * @param pingTimeout how long the server waits for the pong before dropping the socket (Engine.IO
 *     {@code pingTimeout}; socket.io default 20 s)
 * @param connectTimeout how long a transport may stay open without an authenticated namespace
 *     connection, authentication included (socket.io {@code connectTimeout}, 45 s)
 * @param maxPayloadBytes the largest inbound WebSocket message, in UTF-8 bytes; larger ones close
 *     the socket (socket.io {@code maxHttpBufferSize}, 1 MB). It must exceed the relay's envelope
 *     size limit plus the small {@code submitMessage} wrapper.
 * @param outgoingBufferMessages how many outgoing frames may wait for a slow client
 * @param outgoingBufferBytes how many bytes of outgoing frames may wait for a slow client; a frame
 *     is always accepted into an empty buffer, so one large message never blocks a socket
 * @param maxPendingEvents how many client events of one socket may be in the handler at once; an
 *     event beyond that is answered {@code {"error":"too many pending requests"}} (or dropped when
 *     the client asked for no acknowledgement)
 * @param eventTimeout how long the {@link ClientEventHandler} may take before the client is
 *     answered {@code {"error":"internal error"}}
 * @param refusal how a refused handshake is signalled
 * @param maxSocketsPerAccount authenticated sockets one account may hold on a node; a new one
 *     beyond it disconnects the account's oldest
 * @param maxSocketsPerClient Engine.IO sockets (authenticated or not) one client address may hold
 *     open on a node; a handshake beyond it is answered 429 (0 = no limit)
 * @param maxQueuedBytesPerNode outgoing bytes all sockets of the node may hold waiting for their
 *     clients together; a socket whose frame would go beyond it is dropped as a slow client
 */
public record LiveConfig(
    Duration pingInterval,
    Duration pingTimeout,
    Duration connectTimeout,
    int maxPayloadBytes,
    int outgoingBufferMessages,
    long outgoingBufferBytes,
    int maxPendingEvents,
    Duration eventTimeout,
    Refusal refusal,
    int maxSocketsPerAccount,
    long maxQueuedBytesPerNode,
    int maxSocketsPerClient) {

  /**
   * How a socket whose handshake the {@link SocketAuthenticator} refuses is told.
   *
   * <p>The deployed reference runs its {@code socketAuth} middleware before the namespace
   * connection exists, so a stock client only ever sees the CONNECT_ERROR; its WebSocketManager,
   * which emits {@code unauthorized}, is reached only by sockets that already passed the
   * middleware. The two cannot be combined for a stock {@code socket.io-client}: it buffers events
   * that arrive before CONNECT and discards them on CONNECT_ERROR (and would replay them after a
   * later successful connect of the same socket object).
   */
  public enum Refusal {
    /**
     * CONNECT_ERROR {@code {"message":"check token has failed for WS"}}, then close: what the
     * deployed reference sends; the client sees {@code connect_error} with that message.
     */
    CONNECT_ERROR,
    /**
     * CONNECT, event {@code unauthorized}, DISCONNECT, then close: what the reference's
     * WebSocketManager does on its own (and what its unit tests observe); the client sees {@code
     * connect}, {@code unauthorized} and {@code disconnect}.
     */
    UNAUTHORIZED_EVENT
  }

  public LiveConfig {
    requirePositive(pingInterval, "pingInterval");
    requirePositive(pingTimeout, "pingTimeout");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(eventTimeout, "eventTimeout");
    Objects.requireNonNull(refusal, "refusal");
    if (maxPayloadBytes < 64) {
      throw new IllegalArgumentException("maxPayloadBytes must be at least 64");
    }
    if (outgoingBufferMessages < 4 || outgoingBufferBytes < 1) {
      // The handshake queues up to four frames at once (open packet or a ping, CONNECT reply,
      // "authorized" or "unauthorized", DISCONNECT) before a client has had a chance to read.
      throw new IllegalArgumentException("outgoing buffer too small: at least 4 frames");
    }
    if (maxPendingEvents < 1) {
      throw new IllegalArgumentException("maxPendingEvents must be positive");
    }
    if (maxSocketsPerAccount < 1 || maxQueuedBytesPerNode < 1) {
      throw new IllegalArgumentException("LIVE_MAX_SOCKETS_PER_ACCOUNT and the node's outgoing budget must be positive");
    }
  }

  /**
   * From {@code dm3relay.live} (live.conf).
   *
   * @param maxPayloadBytes the largest inbound message: the relay's largest request body
   */
  public static LiveConfig from(Config root, int maxPayloadBytes) {
    Config c = root.getConfig("dm3relay.live");
    return new LiveConfig(
        c.getDuration("ping-interval"),
        c.getDuration("ping-timeout"),
        c.getDuration("connect-timeout"),
        maxPayloadBytes,
        c.getInt("outgoing-buffer-messages"),
        c.getBytes("outgoing-buffer-bytes"),
        c.getInt("max-pending-events"),
        c.getDuration("event-timeout"),
        Refusal.valueOf(c.getString("refusal").toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
        c.getInt("max-sockets-per-account"),
        c.getBytes("max-queued-bytes-per-node"),
        c.getInt("max-sockets-per-ip"));
  }

  public LiveConfig withHeartbeat(Duration interval, Duration timeout) {
    return new LiveConfig(interval, timeout, connectTimeout, maxPayloadBytes, outgoingBufferMessages, outgoingBufferBytes,
        maxPendingEvents, eventTimeout, refusal, maxSocketsPerAccount, maxQueuedBytesPerNode, maxSocketsPerClient);
  }

  public LiveConfig withConnectTimeout(Duration timeout) {
    return new LiveConfig(pingInterval, pingTimeout, timeout, maxPayloadBytes, outgoingBufferMessages, outgoingBufferBytes,
        maxPendingEvents, eventTimeout, refusal, maxSocketsPerAccount, maxQueuedBytesPerNode, maxSocketsPerClient);
  }

  public LiveConfig withMaxPayloadBytes(int bytes) {
    return new LiveConfig(pingInterval, pingTimeout, connectTimeout, bytes, outgoingBufferMessages, outgoingBufferBytes,
        maxPendingEvents, eventTimeout, refusal, maxSocketsPerAccount, maxQueuedBytesPerNode, maxSocketsPerClient);
  }

  public LiveConfig withOutgoingBuffer(int messages, long bytes) {
    return new LiveConfig(pingInterval, pingTimeout, connectTimeout, maxPayloadBytes, messages, bytes,
        maxPendingEvents, eventTimeout, refusal, maxSocketsPerAccount, maxQueuedBytesPerNode, maxSocketsPerClient);
  }

  public LiveConfig withEvents(int maxPending, Duration timeout) {
    return new LiveConfig(pingInterval, pingTimeout, connectTimeout, maxPayloadBytes, outgoingBufferMessages, outgoingBufferBytes,
        maxPending, timeout, refusal, maxSocketsPerAccount, maxQueuedBytesPerNode, maxSocketsPerClient);
  }

  public LiveConfig withRefusal(Refusal how) {
    return new LiveConfig(pingInterval, pingTimeout, connectTimeout, maxPayloadBytes, outgoingBufferMessages, outgoingBufferBytes,
        maxPendingEvents, eventTimeout, how, maxSocketsPerAccount, maxQueuedBytesPerNode, maxSocketsPerClient);
  }

  public LiveConfig withSocketLimits(int perAccount, long queuedBytesPerNode) {
    return new LiveConfig(pingInterval, pingTimeout, connectTimeout, maxPayloadBytes, outgoingBufferMessages, outgoingBufferBytes,
        maxPendingEvents, eventTimeout, refusal, perAccount, queuedBytesPerNode, maxSocketsPerClient);
  }

  public LiveConfig withMaxSocketsPerClient(int sockets) {
    return new LiveConfig(pingInterval, pingTimeout, connectTimeout, maxPayloadBytes, outgoingBufferMessages, outgoingBufferBytes,
        maxPendingEvents, eventTimeout, refusal, maxSocketsPerAccount, maxQueuedBytesPerNode, sockets);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
