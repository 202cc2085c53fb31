package dev.dm3relay.node.live;


import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The authenticated Socket.IO connections of this node, by account key. Thread-safe.
 *
 * <p>Keys are opaque here: whatever {@link SocketAuthenticator} returns (the relay uses the
 * checksummed address) is what {@link #isConnected} and {@link #push} must be given.
 *
 * <p>{@link #push} is the one way the rest of the relay reaches a client. Delivery across nodes is
 * meant to publish to the node that holds the socket and call {@code push} there, so nothing else
 * in this class should grow knowledge of other nodes.
 *
 * <p>Bounded: an account holds at most {@code maxSocketsPerAccount} sockets here (a new one
 * disconnects the oldest), a pushed frame is one String shared by all of them, and all sockets
 * together hold at most {@code maxQueuedBytes} of frames their clients have not taken yet.
 */
public final class LiveConnections {

  private final ConcurrentHashMap<String, List<LiveSocket>> byAccount = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final Presence presence;
  private final int maxSocketsPerAccount;
  private final long maxQueuedBytes;
  private final FrameEncoder frames;

  /**
   * How the transport frames one event with one argument given as JSON text (Socket.IO: an
   * Engine.IO message packet holding an EVENT). The frame is built once per push and shared.
   */
  @FunctionalInterface
  public interface FrameEncoder {
    String event(String name, String payloadJson);
  }

  /**
   * Told when an account gets its first socket on this node and when its last one goes, so that
   * pushes from other nodes can be routed here. Calls may arrive out of order under races; a
   * listener should treat them as hints and re-check {@link #isConnected}.
   */
  public interface Presence {
    void changed(String account);

    Presence NONE = account -> {};
  }

  /**
   * @param maxSocketsPerAccount sockets one account may hold here; a new one disconnects the oldest
   * @param maxQueuedBytes outgoing bytes all sockets here may hold for their clients together
   */
  public LiveConnections(Presence presence, int maxSocketsPerAccount, long maxQueuedBytes, FrameEncoder frames) {
    this.presence = Objects.requireNonNull(presence, "presence");
    this.maxSocketsPerAccount = maxSocketsPerAccount;
    this.maxQueuedBytes = maxQueuedBytes;
    this.frames = Objects.requireNonNull(frames, "frames");
  }

  /** True when this node holds at least one authenticated socket of the account. */
  public boolean isConnected(String account) {
    return account != null && byAccount.containsKey(account);
  }

  /**
   * Emits {@code event} with {@code payload} as its single argument to every live socket of the
   * account (for a stored envelope: {@code push(account, "message", envelope)}).
   *
   * <p>The reference stores one {@code socketId} per account, overwritten by each new connection,
   * and emits to that last one only, although its WebSocketManager tracks every socket of an
   * address. Sending to all is deliberate: a user with two tabs or devices otherwise sees live
   * messages in whichever connected last, and a stale but still open socket would swallow them.
   * Extra copies are harmless: messages stay buffered until acknowledged and clients deduplicate by
   * {@code metadata.messageHash} (§5.4).
   *
   * @return how many sockets the event was queued to; 0 when the account has none here (the caller
   *     then falls back to notifications). A socket that is too slow to take the event is dropped
   *     and not counted.
   */
  public int push(String account, String event, JsonNode payload) {
    Objects.requireNonNull(event, "event");
    return sendToAll(account, () -> frames.event(event, payload == null ? "null" : payload.toString()));
  }

  /**
   * {@link #push} with the argument as JSON text (a stored envelope as it came from storage or
   * another node): framed as it is, without parsing it into a tree and writing it again.
   */
  public int pushJson(String account, String event, String payloadJson) {
    Objects.requireNonNull(event, "event");
    return sendToAll(account, () -> frames.event(event, payloadJson));
  }

  private int sendToAll(String account, java.util.function.Supplier<String> frame) {
    if (account == null) {
      return 0;
    }
    List<LiveSocket> sockets = byAccount.get(account);
    if (sockets == null) {
      return 0;
    }
    String shared = frame.get();
    int sent = 0;
    for (LiveSocket socket : sockets) {
      if (socket.sendFrame(shared)) {
        sent++;
      }
    }
    return sent;
  }

  /** Authenticated sockets on this node, for metrics. */
  public int connectionCount() {
    return connections.get();
  }

  /** Accounts with at least one authenticated socket on this node, for metrics. */
  public int accountCount() {
    return byAccount.size();
  }

  /** Authenticated sockets of one account on this node. */
  public int connectionCount(String account) {
    List<LiveSocket> sockets = account == null ? null : byAccount.get(account);
    return sockets == null ? 0 : sockets.size();
  }

  /** Outgoing bytes all sockets of this node hold for their clients now. */
  public long queuedBytes() {
    return queuedBytes.get();
  }

  /** Reserves room for a frame in the node's outgoing budget; false when it would not fit. */
  public boolean reserve(long bytes) {
    long after = queuedBytes.addAndGet(bytes);
    if (after > maxQueuedBytes && after != bytes) {
      queuedBytes.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  public void release(long bytes) {
    if (bytes > 0) {
      queuedBytes.addAndGet(-bytes);
    }
  }

  /** Registers an authenticated socket of the account (the transport calls this). */
  public void add(String account, LiveSocket socket) {
    boolean first = !byAccount.containsKey(account);
    List<LiveSocket> evicted = new ArrayList<>();
    byAccount.compute(
        account,
        (key, sockets) -> {
          if (sockets != null && sockets.contains(socket)) {
            return sockets;
          }
          connections.incrementAndGet();
          List<LiveSocket> grown = new ArrayList<>(sockets == null ? List.of() : sockets);
          grown.add(socket);
          while (grown.size() > maxSocketsPerAccount) {
            evicted.add(grown.remove(0)); // the oldest first
            connections.decrementAndGet();
          }
          return List.copyOf(grown);
        });
    // Outside compute: disconnecting calls back into remove(), which must not nest in compute.
    evicted.forEach(old -> old.disconnect("the account opened more than " + maxSocketsPerAccount + " sockets"));
    if (first) {
      presence.changed(account);
    }
  }

  /** Forgets a socket that ended. */
  public void remove(String account, LiveSocket socket) {
    byAccount.computeIfPresent(
        account,
        (key, sockets) -> {
          if (!sockets.contains(socket)) {
            return sockets;
          }
          connections.decrementAndGet();
          List<LiveSocket> rest = sockets.stream().filter(s -> s != socket).toList();
          // An account without sockets must disappear, or isConnected would stay true.
          return rest.isEmpty() ? null : rest;
        });
    if (!byAccount.containsKey(account)) {
      presence.changed(account);
    }
  }
}
