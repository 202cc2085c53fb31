package dev.dm3relay.node.live;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The authenticated Socket.IO connections of this node, by account key. Thread-safe.
 *
 * <p>Keys are opaque here: whatever {@link SocketAuthenticator} returns (the relay uses the
 * checksummed address) is what {@link #isConnected} and {@link #push} must be given.
 *
 * <p>{@link #push} is the one way the rest of the relay reaches a client. Delivery across nodes is
 * meant to publish to the node that holds the socket and call {@code push} there, so nothing else
 * in this class should grow knowledge of other nodes.
 */
public final class LiveConnections {

  private final ConcurrentHashMap<String, List<LiveSocket>> byAccount = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Presence presence;

  /**
   * Told when an account gets its first socket on this node and when its last one goes, so that
   * pushes from other nodes can be routed here. Calls may arrive out of order under races; a
   * listener should treat them as hints and re-check {@link #isConnected}.
   */
  public interface Presence {
    void changed(String account);

    Presence NONE = account -> {};
  }

  public LiveConnections() {
    this(Presence.NONE);
  }

  public LiveConnections(Presence presence) {
    this.presence = Objects.requireNonNull(presence, "presence");
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
    if (account == null) {
      return 0;
    }
    List<LiveSocket> sockets = byAccount.get(account);
    if (sockets == null) {
      return 0;
    }
    String packet = SocketIoPacket.event(event, payload);
    int sent = 0;
    for (LiveSocket socket : sockets) {
      if (socket.send(packet)) {
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

  void add(String account, LiveSocket socket) {
    boolean first = !byAccount.containsKey(account);
    byAccount.compute(
        account,
        (key, sockets) -> {
          if (sockets != null && sockets.contains(socket)) {
            return sockets;
          }
          connections.incrementAndGet();
          return sockets == null ? List.of(socket) : append(sockets, socket);
        });
    if (first) {
      presence.changed(account);
    }
  }

  void remove(String account, LiveSocket socket) {
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

  private static List<LiveSocket> append(List<LiveSocket> sockets, LiveSocket socket) {
    LiveSocket[] grown = sockets.toArray(new LiveSocket[sockets.size() + 1]);
    grown[sockets.size()] = socket;
    return List.of(grown);
  }
}
