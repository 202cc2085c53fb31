package dev.dm3relay.node.blocklist;

import dev.dm3relay.node.core.SenderBlocklist;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of the cluster's block list, read by every submit from memory. It is loaded at
 * start, reloaded when any node changes the list (a pub-sub notice) and every {@code
 * refreshInterval} in case a notice was lost, so a block holds on every node within seconds and,
 * being in the entity's journal, across restarts.
 */
public final class BlockedSenders implements SenderBlocklist {

  private static final Logger log = LoggerFactory.getLogger(BlockedSenders.class);

  /** What a node that changed the list tells the others: reload. */
  public record Changed() implements dev.dm3relay.node.core.CborSerializable {}

  private final EntityRef<BlockList.Command> entity;
  private final Duration askTimeout;
  private volatile Set<String> blocked = Set.of();
  private ActorRef<Topic.Command<Changed>> topic;

  private BlockedSenders(EntityRef<BlockList.Command> entity, Duration askTimeout) {
    this.entity = entity;
    this.askTimeout = askTimeout;
  }

  /** Starts the BlockList shard region on this node and keeps this node's copy current. */
  public static BlockedSenders start(ActorSystem<?> system, Duration askTimeout, Duration refreshInterval) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(BlockList.ENTITY_TYPE_KEY, ctx -> BlockList.create(ctx.getEntityId())));
    BlockedSenders senders = new BlockedSenders(sharding.entityRefFor(BlockList.ENTITY_TYPE_KEY, BlockList.ENTITY_ID), askTimeout);
    senders.topic = system.systemActorOf(Topic.create(Changed.class, "blocked-senders"), "blocked-senders-topic", Props.empty());
    Behavior<Changed> listener = Behaviors.receiveMessage(changed -> {
      senders.refresh();
      return Behaviors.same();
    });
    ActorRef<Changed> subscriber = system.systemActorOf(listener, "blocked-senders-listener", Props.empty());
    senders.topic.tell(Topic.subscribe(subscriber));
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, refreshInterval, senders::refresh, system.executionContext());
    return senders;
  }

  @Override
  public boolean isEmpty() {
    return blocked.isEmpty();
  }

  @Override
  public boolean blocks(String checksummedAddress) {
    return blocked.contains(checksummedAddress);
  }

  /** Blocks an address everywhere; completes once durable (this node's copy is current then). */
  public CompletionStage<Done> block(String checksummedAddress) {
    return change(entity.askWithStatus(r -> new BlockList.Block(checksummedAddress, r), askTimeout));
  }

  public CompletionStage<Done> unblock(String checksummedAddress) {
    return change(entity.askWithStatus(r -> new BlockList.Unblock(checksummedAddress, r), askTimeout));
  }

  /** The list as the entity holds it now. */
  public CompletionStage<List<String>> list() {
    return entity.<BlockList.Blocked>askWithStatus(BlockList.GetBlocked::new, askTimeout).thenApply(BlockList.Blocked::addresses);
  }

  private CompletionStage<Done> change(CompletionStage<Done> persisted) {
    return persisted
        .thenCompose(done -> list())
        .thenApply(
            now -> {
              blocked = Set.copyOf(now);
              topic.tell(Topic.publish(new Changed()));
              return Done.getInstance();
            });
  }

  private void refresh() {
    list()
        .whenComplete(
            (now, failure) -> {
              if (failure == null) {
                blocked = Set.copyOf(now);
              } else {
                log.warn("could not reload the block list (keeping {} entries): {}", blocked.size(), failure.toString());
              }
            });
  }
}
