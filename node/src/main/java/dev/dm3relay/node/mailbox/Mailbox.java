package dev.dm3relay.node.mailbox;

import dev.dm3relay.node.CborSerializable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The mailbox of one recipient, keyed by the recipient's checksummed Ethereum address: its account
 * (signed profile) and the index of its buffered envelopes. A Cluster Sharding entity, event-sourced
 * into Cassandra.
 *
 * <p>Bodies are not part of the state: {@link BufferEnvelope} first writes the body to
 * {@link EnvelopeBodies}, then persists a small {@link EnvelopeBuffered} event, and replies only
 * once both are durable. While a body write is in flight further {@code BufferEnvelope}s wait in
 * the stash, so duplicate and quota checks always see every accepted message. See node/README.md.
 */
public final class Mailbox extends EventSourcedBehavior<Mailbox.Command, Mailbox.Event, Mailbox.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Mailbox");

  /** Hashes per {@link MessagesExpired} event, so one event stays small however much expires. */
  static final int EXPIRED_HASHES_PER_EVENT = 500;

  // ----------------------------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable
      permits RegisterProfile, GetAccount, BufferEnvelope, AcknowledgeMessage, ExpireMessages,
          ListIncoming, BodyStored, BodyStoreFailed, ExpiryTick {}

  /** Register or replace the account's signed profile (an opaque JSON string here). */
  public record RegisterProfile(String signedProfileJson, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  public record GetAccount(ActorRef<StatusReply<Account>> replyTo) implements Command {}

  /** Buffer an envelope (postmark already inside). Replies once body and event are durable. */
  public record BufferEnvelope(IncomingEnvelope envelope, ActorRef<StatusReply<Buffered>> replyTo)
      implements Command {}

  /** Remove the message with this hash from this sender; an unknown pair is harmless. */
  public record AcknowledgeMessage(
      String senderName, String messageHash, ActorRef<StatusReply<Acknowledged>> replyTo)
      implements Command {}

  /** Remove every message older than messageTTL now (the entity also does this on its own). */
  public record ExpireMessages(ActorRef<StatusReply<Expired>> replyTo) implements Command {}

  /** The index of the incoming window: newest conversations first, newest messages first. */
  public record ListIncoming(ActorRef<StatusReply<Incoming>> replyTo) implements Command {}

  /** The body of {@code command} is durable; persist its index entry. */
  record BodyStored(BufferEnvelope command, StoredMessage message) implements Command {}

  record BodyStoreFailed(BufferEnvelope command, String reason) implements Command {}

  enum ExpiryTick implements Command {
    INSTANCE
  }

  // ------------------------------------------------------------------------------------ replies

  public record Account(String signedProfileJson, int messageCount, long totalBytes)
      implements CborSerializable {}

  public record Buffered(String messageHash, long storedAt, boolean duplicate)
      implements CborSerializable {}

  public record Acknowledged(boolean removed) implements CborSerializable {}

  public record Expired(int count) implements CborSerializable {}

  public record Incoming(List<StoredMessage> messages) implements CborSerializable {}

  // ------------------------------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable
      permits ProfileRegistered, EnvelopeBuffered, MessageAcknowledged, MessagesExpired {}

  public record ProfileRegistered(String signedProfileJson) implements Event {}

  public record EnvelopeBuffered(StoredMessage message) implements Event {}

  public record MessageAcknowledged(String messageHash) implements Event {}

  public record MessagesExpired(List<String> messageHashes) implements Event {}

  // -------------------------------------------------------------------------------------- state

  /**
   * Mutable on purpose: copying a 10,000-entry index for every event would make each write cost
   * O(depth). Only the event handler changes it; replies and snapshots get copies
   * ({@link #snapshotAdapter()}).
   */
  public static final class State {
    private String signedProfileJson;
    /** By message hash, in store order (oldest first): expiry walks from the front. */
    private final LinkedHashMap<String, StoredMessage> messages = new LinkedHashMap<>();
    private long totalBytes;

    public int messageCount() {
      return messages.size();
    }

    public long totalBytes() {
      return totalBytes;
    }

    public String signedProfileJson() {
      return signedProfileJson;
    }

    public StoredMessage message(String messageHash) {
      return messages.get(messageHash);
    }

    public List<StoredMessage> messages() {
      return List.copyOf(messages.values());
    }

    void add(StoredMessage message) {
      StoredMessage previous = messages.put(message.messageHash(), message);
      if (previous != null) {
        totalBytes -= previous.size();
      }
      totalBytes += message.size();
    }

    void remove(String messageHash) {
      StoredMessage removed = messages.remove(messageHash);
      if (removed != null) {
        totalBytes -= removed.size();
      }
    }

    List<StoredMessage> storedAtOrBefore(long cutoff) {
      List<StoredMessage> due = new ArrayList<>();
      Iterator<StoredMessage> oldestFirst = messages.values().iterator();
      while (oldestFirst.hasNext()) {
        StoredMessage m = oldestFirst.next();
        if (m.storedAt() > cutoff) {
          break;
        }
        due.add(m);
      }
      return due;
    }

    /** The dm3 reference's incoming window (dm3-protocol.md §5.4). */
    List<StoredMessage> incomingWindow(int maxConversations, int maxPerConversation) {
      Map<String, List<StoredMessage>> byConversation = new HashMap<>();
      for (StoredMessage m : messages.values()) {
        byConversation.computeIfAbsent(m.conversationId(), k -> new ArrayList<>()).add(m);
      }
      List<List<StoredMessage>> conversations = new ArrayList<>(byConversation.values());
      // Lists are in store order, so a conversation's newest message is its last.
      conversations.sort(
          Comparator.comparingLong((List<StoredMessage> c) -> c.get(c.size() - 1).storedAt())
              .reversed());
      List<StoredMessage> window = new ArrayList<>();
      for (List<StoredMessage> c : conversations.subList(0, Math.min(maxConversations, conversations.size()))) {
        for (int i = c.size() - 1; i >= Math.max(0, c.size() - maxPerConversation); i--) {
          window.add(c.get(i));
        }
      }
      return window;
    }
  }

  /** What a snapshot holds: the profile and the index, never envelope bodies. */
  public record Snapshot(String signedProfileJson, List<StoredMessage> messages)
      implements CborSerializable {}

  // ----------------------------------------------------------------------------------- behavior

  public static Behavior<Command> create(
      String address, MailboxSettings settings, EnvelopeBodies bodies, Clock clock) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Mailbox(address, settings, bodies, clock, context, timers)));
  }

  private final String address;
  private final MailboxSettings settings;
  private final EnvelopeBodies bodies;
  private final Clock clock;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  /** A body write is in flight: BufferEnvelope commands wait in the stash until it settles. */
  private boolean bodyWriteInFlight;

  private Mailbox(
      String address,
      MailboxSettings settings,
      EnvelopeBodies bodies,
      Clock clock,
      ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), address),
        // A failed journal write restarts the entity (recovering from Cassandra) instead of
        // stopping it; the sender's ask times out and the dm3 client resubmits (idempotent).
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.address = address;
    this.settings = settings;
    this.bodies = bodies;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return new State();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(RegisterProfile.class, this::onRegisterProfile)
        .onCommand(GetAccount.class, this::onGetAccount)
        .onCommand(BufferEnvelope.class, this::onBufferEnvelope)
        .onCommand(BodyStored.class, this::onBodyStored)
        .onCommand(BodyStoreFailed.class, this::onBodyStoreFailed)
        .onCommand(AcknowledgeMessage.class, this::onAcknowledge)
        .onCommand(ExpireMessages.class, (state, cmd) -> expire(state, cmd.replyTo()))
        .onCommand(ExpiryTick.class, (state, cmd) -> expire(state, null))
        .onCommand(ListIncoming.class, this::onListIncoming)
        .build();
  }

  private Effect<Event, State> onRegisterProfile(State state, RegisterProfile cmd) {
    return Effect()
        .persist(new ProfileRegistered(cmd.signedProfileJson()))
        .thenRun(s -> cmd.replyTo().tell(StatusReply.ack()));
  }

  private Effect<Event, State> onGetAccount(State state, GetAccount cmd) {
    cmd.replyTo()
        .tell(
            StatusReply.success(
                new Account(state.signedProfileJson(), state.messageCount(), state.totalBytes())));
    return Effect().none();
  }

  private Effect<Event, State> onBufferEnvelope(State state, BufferEnvelope cmd) {
    if (bodyWriteInFlight) {
      return Effect().stash();
    }
    IncomingEnvelope envelope = cmd.envelope();
    StoredMessage existing = state.message(envelope.messageHash());
    if (existing != null) {
      cmd.replyTo().tell(StatusReply.success(new Buffered(existing.messageHash(), existing.storedAt(), true)));
      return Effect().none();
    }
    int size = envelope.sizeInBytes();
    if (state.messageCount() >= settings.maxMessages()
        || state.totalBytes() + size > settings.maxBytes()) {
      cmd.replyTo()
          .tell(
              StatusReply.error(
                  String.format(
                      "mailbox quota exceeded: %d messages / %d bytes stored, limits %d messages / %d bytes",
                      state.messageCount(), state.totalBytes(), settings.maxMessages(), settings.maxBytes())));
      return Effect().none();
    }
    StoredMessage message =
        new StoredMessage(
            envelope.conversationId(),
            envelope.senderName(),
            envelope.messageHash(),
            clock.millis(),
            size,
            bodyKey(envelope));
    bodyWriteInFlight = true;
    context.pipeToSelf(
        bodies.write(address, message.bodyKey(), envelope.json(), message.storedAt(), settings.messageTtl()),
        (done, failure) ->
            failure == null
                ? new BodyStored(cmd, message)
                : new BodyStoreFailed(cmd, String.valueOf(failure.getMessage())));
    return Effect().none();
  }

  private Effect<Event, State> onBodyStored(State state, BodyStored stored) {
    bodyWriteInFlight = false;
    StoredMessage m = stored.message();
    StoredMessage existing = state.message(m.messageHash());
    if (existing != null) {
      // Only a write completing into a restarted incarnation can get here; keep the first.
      stored.command().replyTo()
          .tell(StatusReply.success(new Buffered(existing.messageHash(), existing.storedAt(), true)));
      return Effect().unstashAll();
    }
    return Effect()
        .persist(new EnvelopeBuffered(m))
        .thenRun(
            s ->
                stored.command().replyTo()
                    .tell(StatusReply.success(new Buffered(m.messageHash(), m.storedAt(), false))))
        .thenUnstashAll();
  }

  private Effect<Event, State> onBodyStoreFailed(State state, BodyStoreFailed failed) {
    bodyWriteInFlight = false;
    context.getLog().warn("Envelope body write for mailbox {} failed: {}", address, failed.reason());
    failed.command().replyTo().tell(StatusReply.error("storage unavailable, try again"));
    return Effect().unstashAll();
  }

  private Effect<Event, State> onAcknowledge(State state, AcknowledgeMessage cmd) {
    StoredMessage m = state.message(cmd.messageHash());
    if (m == null || !m.senderName().equals(cmd.senderName())) {
      cmd.replyTo().tell(StatusReply.success(new Acknowledged(false)));
      return Effect().none();
    }
    return Effect()
        .persist(new MessageAcknowledged(m.messageHash()))
        .thenRun(
            s -> {
              cmd.replyTo().tell(StatusReply.success(new Acknowledged(true)));
              deleteBodies(List.of(m.bodyKey()));
            });
  }

  private Effect<Event, State> expire(State state, ActorRef<StatusReply<Expired>> replyTo) {
    List<StoredMessage> due =
        settings.messageTtl().isZero()
            ? List.of()
            : state.storedAtOrBefore(clock.millis() - settings.messageTtl().toMillis());
    if (due.isEmpty()) {
      if (replyTo != null) {
        replyTo.tell(StatusReply.success(new Expired(0)));
      }
      return Effect().none();
    }
    List<Event> events = new ArrayList<>();
    for (int from = 0; from < due.size(); from += EXPIRED_HASHES_PER_EVENT) {
      events.add(
          new MessagesExpired(
              due.subList(from, Math.min(due.size(), from + EXPIRED_HASHES_PER_EVENT)).stream()
                  .map(StoredMessage::messageHash)
                  .toList()));
    }
    List<String> bodyKeys = due.stream().map(StoredMessage::bodyKey).toList();
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              if (replyTo != null) {
                replyTo.tell(StatusReply.success(new Expired(due.size())));
              }
              deleteBodies(bodyKeys);
            });
  }

  private Effect<Event, State> onListIncoming(State state, ListIncoming cmd) {
    cmd.replyTo()
        .tell(
            StatusReply.success(
                new Incoming(
                    List.copyOf(
                        state.incomingWindow(
                            settings.listMaxConversations(), settings.listMaxPerConversation())))));
    return Effect().none();
  }

  /**
   * Best effort: the index no longer references these bodies. A failed delete leaves an
   * unreachable row behind (it expires with its TTL when messageTTL is set).
   */
  private void deleteBodies(List<String> bodyKeys) {
    bodies
        .delete(address, bodyKeys)
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                context.getSystem().log().warn("Deleting {} bodies of mailbox {} failed", bodyKeys.size(), address);
              }
            });
  }

  /** One body per message hash per mailbox: a resubmit after a lost reply overwrites in place. */
  static String bodyKey(IncomingEnvelope envelope) {
    return envelope.messageHash();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            ProfileRegistered.class,
            (state, e) -> {
              state.signedProfileJson = e.signedProfileJson();
              return state;
            })
        .onEvent(
            EnvelopeBuffered.class,
            (state, e) -> {
              state.add(e.message());
              return state;
            })
        .onEvent(
            MessageAcknowledged.class,
            (state, e) -> {
              state.remove(e.messageHash());
              return state;
            })
        .onEvent(
            MessagesExpired.class,
            (state, e) -> {
              e.messageHashes().forEach(state::remove);
              return state;
            })
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (!settings.messageTtl().isZero()) {
                // A mailbox may sleep (passivated) for longer than the TTL: expire on wake-up too.
                context.getSelf().tell(ExpiryTick.INSTANCE);
                timers.startTimerWithFixedDelay(ExpiryTick.INSTANCE, settings.expiryCheckInterval());
              }
            })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        // A copy taken now: the snapshot is serialized later, while the live state moves on.
        return new Snapshot(state.signedProfileJson(), state.messages());
      }

      @Override
      public State fromJournal(Object from) {
        Snapshot snapshot = (Snapshot) from;
        State state = new State();
        state.signedProfileJson = snapshot.signedProfileJson();
        snapshot.messages().forEach(state::add);
        return state;
      }
    };
  }
}
