package dev.dm3relay.node.live;

import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.node.mailbox.Mailboxes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live delivery across the cluster. A receiver's socket may be on any node, and its mailbox on any
 * other: the node that authenticates a socket registers with the account's mailbox entity
 * ({@link Mailbox.WatchLive}) and waits for the acknowledgement before the client hears {@code
 * authorized}; the mailbox then hands every envelope it persists to its registered nodes, and the
 * node that buffered it sends it straight to them. So every message accepted after {@code
 * authorized} reaches the socket, whichever nodes hold mailbox and socket: nothing waits for a
 * pub-sub registry to spread by gossip (which dropped pushes in a 3-node run).
 *
 * <p>Registrations are refreshed every {@link #REFRESH} while the node has sockets of the account
 * (they lapse after {@link Mailbox#WATCH_TTL}, so a dead node stops getting pushes), dropped when
 * the last socket goes, and made again at once when a mailbox says it stopped (passivation,
 * rebalance). A renewed registration resumes ({@link Mailbox.WatchLive#resume()}): the mailbox's new
 * incarnation pushes what it stored before the registration reached it, so a move (or a crashed
 * node, caught at the next refresh) costs a delay, not a message. One actor per node holds the registrations; the sockets are in {@link LiveConnections}.
 */
public final class LiveBridge implements LiveConnections.Presence {

  private static final Logger log = LoggerFactory.getLogger(LiveBridge.class);

  /** How often the node renews its registrations (a third of their lifetime). */
  static final Duration REFRESH = Mailbox.WATCH_TTL.dividedBy(3);

  /**
   * How long a registration made for an authenticating socket stands without that socket joining
   * the node's connections: longer than a handshake takes to finish.
   */
  static final Duration JOIN_GRACE = Duration.ofSeconds(15);

  private sealed interface Message permits Registered, Reconcile, Refresh, FromMailbox {}

  private record Registered(String address, long at) implements Message {}

  private record Reconcile(String address) implements Message {}

  private enum Refresh implements Message {
    INSTANCE
  }

  private record FromMailbox(Mailbox.LiveEvent event) implements Message {}

  private final Mailboxes mailboxes;
  /** The actor's registrations (address → when made), written by the actor only. */
  private final Map<String, Long> registeredHere = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile ActorRef<Message> actor;
  private volatile ActorRef<Mailbox.LiveEvent> watcher;

  public LiveBridge(Mailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  /**
   * Starts this node's bridge. Wire the bridge as the {@link LiveConnections.Presence} of the node's
   * connections first.
   *
   * @param registry where {@code dm3_relay_live_pushes_total{path="local|remote"}} counts the frames
   *     handed to sockets: local when the envelope was stored through this node
   */
  public void start(ActorSystem<?> system, LiveConnections connections, MeterRegistry registry) {
    Counter local = registry.counter("dm3.relay.live.pushes", "path", "local");
    Counter remote = registry.counter("dm3.relay.live.pushes", "path", "remote");
    String self = org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().toString();
    Behavior<Message> behavior =
        Behaviors.setup(
            context -> {
              ActorRef<Mailbox.LiveEvent> events = context.messageAdapter(Mailbox.LiveEvent.class, FromMailbox::new);
              watcher = events;
              return Behaviors.withTimers(
                  timers -> {
                    timers.startTimerWithFixedDelay(Refresh.INSTANCE, REFRESH);
                    return new Registrations(connections, events, self, local, remote).behavior();
                  });
            });
    actor = system.systemActorOf(behavior, "live-bridge", Props.empty());
  }

  /**
   * Registers this node with the account's mailbox; completes once the mailbox acknowledged it, so
   * that the caller may tell the client it is live. Fails when the mailbox cannot be reached.
   */
  public CompletionStage<Done> watch(String address) {
    ActorRef<Mailbox.LiveEvent> w = watcher;
    if (w == null) {
      return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("live bridge not started"));
    }
    // a node already registered resumes: it may have missed envelopes while its mailbox moved
    return mailboxes
        .watchLive(address, w, registeredHere.containsKey(address))
        .thenApply(
            done -> {
              actor.tell(new Registered(address, System.currentTimeMillis()));
              return done;
            });
  }

  @Override
  public void changed(String account) {
    ActorRef<Message> a = actor;
    if (a != null) {
      a.tell(new Reconcile(account));
    }
  }

  /** The actor's state: the accounts this node is registered for, and when each was last registered. */
  private final class Registrations {
    private final LiveConnections connections;
    private final ActorRef<Mailbox.LiveEvent> self;
    private final String origin;
    private final Counter local;
    private final Counter remote;
    private final Map<String, Long> registered = registeredHere;

    Registrations(LiveConnections connections, ActorRef<Mailbox.LiveEvent> self, String origin, Counter local, Counter remote) {
      this.connections = connections;
      this.self = self;
      this.origin = origin;
      this.local = local;
      this.remote = remote;
    }

    Behavior<Message> behavior() {
      return Behaviors.receive(Message.class)
          .onMessage(Registered.class, r -> {
            registered.put(r.address(), r.at());
            return Behaviors.same();
          })
          .onMessage(Reconcile.class, r -> {
            reconcile(r.address(), System.currentTimeMillis());
            return Behaviors.same();
          })
          .onMessage(Refresh.class, r -> {
            long now = System.currentTimeMillis();
            for (String address : java.util.List.copyOf(registered.keySet())) {
              if (reconcile(address, now)) {
                register(address);
              }
            }
            return Behaviors.same();
          })
          .onMessage(FromMailbox.class, m -> {
            if (m.event() instanceof Mailbox.LiveEnvelope envelope) {
              // the stored envelope's JSON is framed as it is: no parse and rewrite per push
              int delivered = connections.pushJson(envelope.address(), "message", envelope.envelopeJson());
              (origin.equals(envelope.origin()) ? local : remote).increment(delivered);
            } else if (m.event() instanceof Mailbox.WatchLost lost && registered.containsKey(lost.address())) {
              register(lost.address());
            }
            return Behaviors.same();
          })
          .build();
    }

    /** Forgets an account without sockets here (past the join grace); true if still registered. */
    private boolean reconcile(String address, long now) {
      Long at = registered.get(address);
      if (at == null) {
        if (connections.isConnected(address)) {
          register(address); // a socket joined without a registration of ours (e.g. it lapsed)
        }
        return false;
      }
      if (!connections.isConnected(address) && now - at > JOIN_GRACE.toMillis()) {
        registered.remove(address);
        mailboxes.unwatchLive(address, self);
        return false;
      }
      return true;
    }

    private void register(String address) {
      registered.putIfAbsent(address, System.currentTimeMillis());
      mailboxes
          .watchLive(address, self, true)
          .whenComplete(
              (done, failure) -> {
                if (failure != null) {
                  log.debug("Renewing a live registration failed (retried at the next refresh): {}", failure.toString());
                }
              });
    }
  }
}
