package dev.dm3relay.node.live;

import dev.dm3relay.node.core.CborSerializable;
import dev.dm3relay.node.core.LivePush;
import dev.dm3relay.node.live.LiveConnections;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.pubsub.DistributedPubSub;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;

/**
 * Live delivery across the cluster. A receiver's socket may be on any node, and its mailbox on any
 * other: each node subscribes to a pub-sub topic per account it holds sockets for, and a freshly
 * buffered envelope is published to its receiver's topic. Publishing to an account nobody is
 * connected for costs one local lookup and no network traffic.
 */
public final class LiveBridge implements LivePush, LiveConnections.Presence {

  /**
   * What travels between nodes: the receiver, the stored envelope's JSON, and the node that
   * published it (null from a node of an older version).
   */
  public record Pushed(String address, String envelopeJson, String origin) implements CborSerializable {}

  /** Re-check whether this node still has sockets for the account, and (un)subscribe to match. */
  record Reconcile(String address) {}

  private final ActorRef mediator;
  private final String self;
  private ActorRef subscriber;

  private LiveBridge(ActorRef mediator, String self) {
    this.mediator = mediator;
    this.self = self;
  }

  /**
   * The bridge for this node. Wire it as the {@link LiveConnections.Presence} of the node's
   * connections, then call {@link #start} with them.
   */
  public static LiveBridge create(ActorSystem<?> system) {
    return new LiveBridge(
        DistributedPubSub.get(Adapter.toClassic(system)).mediator(),
        org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).selfAddress().toString());
  }

  /**
   * @param registry where {@code dm3_relay_live_pushes_total{path="local|remote"}} counts the frames
   *     handed to sockets: local when the envelope was stored through this node
   */
  public void start(ActorSystem<?> system, LiveConnections connections, io.micrometer.core.instrument.MeterRegistry registry) {
    io.micrometer.core.instrument.Counter local = registry.counter("dm3.relay.live.pushes", "path", "local");
    io.micrometer.core.instrument.Counter remote = registry.counter("dm3.relay.live.pushes", "path", "remote");
    // A system actor: the typed guardian of the relay's ActorSystem spawns no top-level actors.
    subscriber =
        ((org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(system))
            .systemActorOf(
                Props.create(Subscriber.class, () -> new Subscriber(mediator, connections, self, local, remote)), "live-bridge");
  }

  static String topic(String address) {
    return "live:" + address;
  }

  @Override
  public void push(String address, String storedEnvelopeJson) {
    mediator.tell(
        new DistributedPubSubMediator.Publish(topic(address), new Pushed(address, storedEnvelopeJson, self)), ActorRef.noSender());
  }

  @Override
  public void changed(String account) {
    ActorRef s = subscriber;
    if (s != null) {
      s.tell(new Reconcile(account), ActorRef.noSender());
    }
  }

  /** Holds this node's topic subscriptions and hands published envelopes to local sockets. */
  static final class Subscriber extends AbstractActor {
    private final ActorRef mediator;
    private final LiveConnections connections;
    private final String self;
    private final io.micrometer.core.instrument.Counter local;
    private final io.micrometer.core.instrument.Counter remote;
    private final java.util.Set<String> subscribed = new java.util.HashSet<>();

    Subscriber(
        ActorRef mediator,
        LiveConnections connections,
        String self,
        io.micrometer.core.instrument.Counter local,
        io.micrometer.core.instrument.Counter remote) {
      this.mediator = mediator;
      this.connections = connections;
      this.self = self;
      this.local = local;
      this.remote = remote;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(Reconcile.class, r -> reconcile(r.address()))
          // the stored envelope's JSON is framed as it is: no parse and rewrite per push
          .match(
              Pushed.class,
              p -> {
                int delivered = connections.pushJson(p.address(), "message", p.envelopeJson());
                (self.equals(p.origin()) ? local : remote).increment(delivered);
              })
          .match(DistributedPubSubMediator.SubscribeAck.class, ack -> {})
          .match(DistributedPubSubMediator.UnsubscribeAck.class, ack -> {})
          .build();
    }

    private void reconcile(String address) {
      boolean connected = connections.isConnected(address);
      if (connected && subscribed.add(address)) {
        mediator.tell(new DistributedPubSubMediator.Subscribe(topic(address), getSelf()), getSelf());
      } else if (!connected && subscribed.remove(address)) {
        mediator.tell(new DistributedPubSubMediator.Unsubscribe(topic(address), getSelf()), getSelf());
      }
    }
  }
}
