package dev.dm3relay.node.blocklist;

import dev.dm3relay.node.core.CborSerializable;
import java.util.List;
import java.util.TreeSet;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The sender addresses the operator blocked, for the whole cluster: one event-sourced entity (a
 * single id in its own shard region), so that a block is durable in Cassandra and every node reads
 * the same list. Nodes keep a copy in memory ({@link BlockedSenders}); submits never ask this
 * entity.
 */
public final class BlockList
    extends EventSourcedBehaviorWithEnforcedReplies<BlockList.Command, BlockList.Event, BlockList.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "BlockList");

  /** The one entity of the type. */
  static final String ENTITY_ID = "senders";

  public sealed interface Command extends CborSerializable {}

  /** Block a checksummed address; blocking it again changes nothing. */
  public record Block(String address, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record Unblock(String address, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record GetBlocked(ActorRef<StatusReply<Blocked>> replyTo) implements Command {}

  /** The blocked addresses, sorted. */
  public record Blocked(List<String> addresses) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record SenderBlocked(String address) implements Event {}

  public record SenderUnblocked(String address) implements Event {}

  /** Immutable: the list is small, and a copy per change is nothing next to its journal write. */
  public record State(List<String> addresses) implements CborSerializable {
    boolean contains(String address) {
      return addresses.contains(address);
    }

    State with(String address) {
      TreeSet<String> next = new TreeSet<>(addresses);
      next.add(address);
      return new State(List.copyOf(next));
    }

    State without(String address) {
      TreeSet<String> next = new TreeSet<>(addresses);
      next.remove(address);
      return new State(List.copyOf(next));
    }
  }

  public static Behavior<Command> create(String entityId) {
    return new BlockList(entityId);
  }

  private BlockList(String entityId) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), entityId));
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Block.class,
            (state, cmd) ->
                state.contains(cmd.address())
                    ? Effect().reply(cmd.replyTo(), StatusReply.ack())
                    : persisted(new SenderBlocked(cmd.address()), cmd.replyTo()))
        .onCommand(
            Unblock.class,
            (state, cmd) ->
                state.contains(cmd.address())
                    ? persisted(new SenderUnblocked(cmd.address()), cmd.replyTo())
                    : Effect().reply(cmd.replyTo(), StatusReply.ack()))
        .onCommand(
            GetBlocked.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(new Blocked(state.addresses()))))
        .build();
  }

  private ReplyEffect<Event, State> persisted(Event event, ActorRef<StatusReply<Done>> replyTo) {
    return Effect().persist(event).thenReply(replyTo, s -> StatusReply.ack());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(SenderBlocked.class, (state, e) -> state.with(e.address()))
        .onEvent(SenderUnblocked.class, (state, e) -> state.without(e.address()))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
