package dev.dm3relay.node.mailbox;

import dev.dm3relay.node.CborSerializable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * (signed profile, profile extension, spam filter rules, notification channels, all opaque JSON
 * here) and the index of its buffered envelopes. A Cluster Sharding entity, event-sourced
 * into Cassandra.
 *
 * <p>Bodies are not part of the state: {@link BufferEnvelope} first writes the body to
 * {@link EnvelopeBodies}, then persists a small {@link EnvelopeBuffered} event, and replies only
 * once both are durable. Body writes of several envelopes run concurrently; envelopes whose body
 * is in flight are tracked as pending, so duplicate and quota checks see them too. See
 * node/README.md.
 */
public final class Mailbox extends EventSourcedBehavior<Mailbox.Command, Mailbox.Event, Mailbox.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Mailbox");

  /** Hashes per MessagesExpired/MessagesAcknowledged event: one event stays small however many. */
  static final int HASHES_PER_EVENT = 500;

  // ----------------------------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable
      permits RegisterProfile, SetProfileExtension, SetSpamFilterRules, SetNotificationChannels,
          GetAccount, BufferEnvelope, AcknowledgeMessage, AcknowledgeMessages, ExpireMessages,
          ListIncoming, BodyStored, BodyStoreFailed, PersistStoredBodies, ExpiryTick {}

  /** Register or replace the account's signed profile (an opaque JSON string here). */
  public record RegisterProfile(String signedProfileJson, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** The account's dm3 profile extension (JSON), served by the relay to senders. */
  public record SetProfileExtension(String profileExtensionJson, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** The account's spam filter rules (JSON: minNonce, minBalance, minTokenBalance). */
  public record SetSpamFilterRules(String spamFilterRulesJson, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** The account's notification channels (JSON array). */
  public record SetNotificationChannels(
      String notificationChannelsJson, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record GetAccount(ActorRef<StatusReply<Account>> replyTo) implements Command {}

  /** Buffer an envelope (postmark already inside). Replies once body and event are durable. */
  public record BufferEnvelope(IncomingEnvelope envelope, ActorRef<StatusReply<Buffered>> replyTo)
      implements Command {}

  /** Remove the message with this hash from this sender; an unknown pair is harmless. */
  public record AcknowledgeMessage(
      String senderName, String messageHash, ActorRef<StatusReply<Acknowledged>> replyTo)
      implements Command {}

  /** One acknowledgement: the sender's name as the client saw it and the envelope's message hash. */
  public record Ack(String senderName, String messageHash) implements CborSerializable {}

  /**
   * A client's whole acknowledgement sync at once: one event and one journal write for all of
   * them. Unknown pairs are skipped.
   */
  public record AcknowledgeMessages(List<Ack> acks, ActorRef<StatusReply<AcknowledgedMany>> replyTo)
      implements Command {}

  /** Remove every message older than messageTTL now (the entity also does this on its own). */
  public record ExpireMessages(ActorRef<StatusReply<Expired>> replyTo) implements Command {}

  /** The index of the incoming window: newest conversations first, newest messages first. */
  public record ListIncoming(ActorRef<StatusReply<Incoming>> replyTo) implements Command {}

  /** The body of the pending envelope with this hash is durable; persist its index entry. */
  record BodyStored(String messageHash) implements Command {}

  record BodyStoreFailed(String messageHash, String reason) implements Command {}

  /** Persist the index entries of every body stored since the last such command, as one write. */
  enum PersistStoredBodies implements Command {
    INSTANCE
  }

  enum ExpiryTick implements Command {
    INSTANCE
  }

  // ------------------------------------------------------------------------------------ replies

  /** The account as stored; every JSON field is null until set. */
  public record Account(
      String signedProfileJson,
      String profileExtensionJson,
      String spamFilterRulesJson,
      String notificationChannelsJson,
      int messageCount,
      long totalBytes)
      implements CborSerializable {}

  public record Buffered(String messageHash, long storedAt, boolean duplicate)
      implements CborSerializable {}

  public record Acknowledged(boolean removed) implements CborSerializable {}

  public record AcknowledgedMany(int removed) implements CborSerializable {}

  public record Expired(int count) implements CborSerializable {}

  public record Incoming(List<StoredMessage> messages) implements CborSerializable {}

  // ------------------------------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable
      permits ProfileRegistered, ProfileExtensionSet, SpamFilterRulesSet, NotificationChannelsSet,
          EnvelopeBuffered, MessageAcknowledged, MessagesAcknowledged, MessagesExpired {}

  public record ProfileRegistered(String signedProfileJson) implements Event {}

  public record ProfileExtensionSet(String profileExtensionJson) implements Event {}

  public record SpamFilterRulesSet(String spamFilterRulesJson) implements Event {}

  public record NotificationChannelsSet(String notificationChannelsJson) implements Event {}

  public record EnvelopeBuffered(StoredMessage message) implements Event {}

  public record MessageAcknowledged(String messageHash) implements Event {}

  public record MessagesAcknowledged(List<String> messageHashes) implements Event {}

  public record MessagesExpired(List<String> messageHashes) implements Event {}

  // -------------------------------------------------------------------------------------- state

  /**
   * Mutable on purpose: copying a 10,000-entry index for every event would make each write cost
   * O(depth). Only the event handler changes it; replies and snapshots get copies
   * ({@link #snapshotAdapter()}).
   */
  public static final class State {
    private String signedProfileJson;
    private String profileExtensionJson;
    private String spamFilterRulesJson;
    private String notificationChannelsJson;
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

    public Account account() {
      return new Account(
          signedProfileJson, profileExtensionJson, spamFilterRulesJson, notificationChannelsJson,
          messages.size(), totalBytes);
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
      // A full scan: concurrent body writes may index messages a few ms out of store-time order,
      // and a scan of at most the quota's 10,000 entries per expiry check is cheap.
      List<StoredMessage> due = new ArrayList<>();
      for (StoredMessage m : messages.values()) {
        if (m.storedAt() <= cutoff) {
          due.add(m);
        }
      }
      return due;
    }

    /** The dm3 reference's incoming window (dm3-protocol.md §5.4). */
    List<StoredMessage> incomingWindow(int maxConversations, int maxPerConversation) {
      Map<String, List<StoredMessage>> byConversation = new HashMap<>();
      for (StoredMessage m : messages.values()) {
        byConversation.computeIfAbsent(m.conversationId(), k -> new ArrayList<>()).add(m);
      }
      Comparator<StoredMessage> newestFirst =
          Comparator.comparingLong(StoredMessage::storedAt).reversed();
      List<List<StoredMessage>> conversations = new ArrayList<>(byConversation.values());
      conversations.forEach(c -> c.sort(newestFirst));
      conversations.sort(
          Comparator.comparingLong((List<StoredMessage> c) -> c.get(0).storedAt()).reversed());
      List<StoredMessage> window = new ArrayList<>();
      for (List<StoredMessage> c : conversations.subList(0, Math.min(maxConversations, conversations.size()))) {
        window.addAll(c.subList(0, Math.min(maxPerConversation, c.size())));
      }
      return window;
    }
  }

  /** What a snapshot holds: the account and the index, never envelope bodies. */
  public record Snapshot(
      String signedProfileJson,
      String profileExtensionJson,
      String spamFilterRulesJson,
      String notificationChannelsJson,
      List<StoredMessage> messages)
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
  /**
   * Accepted envelopes whose body write is in flight, by message hash. Not state: nothing is
   * promised about them until their event is persisted, and a restarted entity forgets them (the
   * senders' asks time out and dm3 clients resubmit, which is idempotent).
   */
  private final Map<String, PendingEnvelope> pending = new HashMap<>();
  private long pendingBytes;

  /** Bodies durable, events not yet persisted: the next PersistStoredBodies writes them together. */
  private final List<PendingEnvelope> stored = new ArrayList<>();

  private record PendingEnvelope(
      StoredMessage message, List<ActorRef<StatusReply<Buffered>>> waiters) {}

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
        .onCommand(
            SetProfileExtension.class,
            (state, cmd) -> persistAndAck(new ProfileExtensionSet(cmd.profileExtensionJson()), cmd.replyTo()))
        .onCommand(
            SetSpamFilterRules.class,
            (state, cmd) -> persistAndAck(new SpamFilterRulesSet(cmd.spamFilterRulesJson()), cmd.replyTo()))
        .onCommand(
            SetNotificationChannels.class,
            (state, cmd) ->
                persistAndAck(new NotificationChannelsSet(cmd.notificationChannelsJson()), cmd.replyTo()))
        .onCommand(GetAccount.class, this::onGetAccount)
        .onCommand(BufferEnvelope.class, this::onBufferEnvelope)
        .onCommand(BodyStored.class, this::onBodyStored)
        .onCommand(BodyStoreFailed.class, this::onBodyStoreFailed)
        .onCommand(PersistStoredBodies.class, (state, cmd) -> persistStoredBodies(state))
        .onCommand(AcknowledgeMessage.class, this::onAcknowledge)
        .onCommand(AcknowledgeMessages.class, this::onAcknowledgeMany)
        .onCommand(ExpireMessages.class, (state, cmd) -> expire(state, cmd.replyTo()))
        .onCommand(ExpiryTick.class, (state, cmd) -> expire(state, null))
        .onCommand(ListIncoming.class, this::onListIncoming)
        .build();
  }

  private Effect<Event, State> onRegisterProfile(State state, RegisterProfile cmd) {
    return persistAndAck(new ProfileRegistered(cmd.signedProfileJson()), cmd.replyTo());
  }

  private Effect<Event, State> persistAndAck(Event event, ActorRef<StatusReply<Done>> replyTo) {
    return Effect().persist(event).thenRun(s -> replyTo.tell(StatusReply.ack()));
  }

  private Effect<Event, State> onGetAccount(State state, GetAccount cmd) {
    cmd.replyTo().tell(StatusReply.success(state.account()));
    return Effect().none();
  }

  private Effect<Event, State> onBufferEnvelope(State state, BufferEnvelope cmd) {
    IncomingEnvelope envelope = cmd.envelope();
    StoredMessage existing = state.message(envelope.messageHash());
    if (existing != null) {
      cmd.replyTo().tell(StatusReply.success(new Buffered(existing.messageHash(), existing.storedAt(), true)));
      return Effect().none();
    }
    PendingEnvelope inFlight = pending.get(envelope.messageHash());
    if (inFlight != null) {
      // Same envelope submitted again before the first write finished: answer both together.
      inFlight.waiters().add(cmd.replyTo());
      return Effect().none();
    }
    int size = envelope.sizeInBytes();
    int messages = state.messageCount() + pending.size();
    long bytes = state.totalBytes() + pendingBytes;
    if (messages >= settings.maxMessages() || bytes + size > settings.maxBytes()) {
      cmd.replyTo()
          .tell(
              StatusReply.error(
                  String.format(
                      "mailbox quota exceeded: %d messages / %d bytes stored, limits %d messages / %d bytes",
                      messages, bytes, settings.maxMessages(), settings.maxBytes())));
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
    List<ActorRef<StatusReply<Buffered>>> waiters = new ArrayList<>();
    waiters.add(cmd.replyTo());
    pending.put(message.messageHash(), new PendingEnvelope(message, waiters));
    pendingBytes += size;
    context.pipeToSelf(
        bodies.write(address, message.bodyKey(), envelope.json(), message.storedAt(), settings.messageTtl()),
        (done, failure) ->
            failure == null
                ? new BodyStored(message.messageHash())
                : new BodyStoreFailed(message.messageHash(), String.valueOf(failure.getMessage())));
    return Effect().none();
  }

  private PendingEnvelope takePending(String messageHash) {
    PendingEnvelope p = pending.remove(messageHash);
    if (p != null) {
      pendingBytes -= p.message().size();
    }
    return p;
  }

  private Effect<Event, State> onBodyStored(State state, BodyStored bodyStored) {
    PendingEnvelope p = pending.get(bodyStored.messageHash());
    if (p == null) {
      return Effect().none();
    }
    // Group commit: while one persist is in flight, Pekko holds back the BodyStored messages that
    // arrive; they all join `stored` before the next PersistStoredBodies runs, so under load one
    // journal write (a single-partition batch) carries many events.
    if (stored.isEmpty()) {
      context.getSelf().tell(PersistStoredBodies.INSTANCE);
    }
    stored.add(p);
    return Effect().none();
  }

  private Effect<Event, State> persistStoredBodies(State state) {
    if (stored.isEmpty()) {
      return Effect().none();
    }
    List<PendingEnvelope> batch = List.copyOf(stored);
    stored.clear();
    batch.forEach(p -> takePending(p.message().messageHash()));
    List<Event> events = batch.stream().<Event>map(p -> new EnvelopeBuffered(p.message())).toList();
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              for (PendingEnvelope p : batch) {
                StoredMessage m = p.message();
                p.waiters().get(0)
                    .tell(StatusReply.success(new Buffered(m.messageHash(), m.storedAt(), false)));
                p.waiters().subList(1, p.waiters().size())
                    .forEach(w -> w.tell(StatusReply.success(new Buffered(m.messageHash(), m.storedAt(), true))));
              }
            });
  }

  private Effect<Event, State> onBodyStoreFailed(State state, BodyStoreFailed failed) {
    PendingEnvelope p = takePending(failed.messageHash());
    if (p == null) {
      return Effect().none();
    }
    context.getLog().warn("Envelope body write for mailbox {} failed: {}", address, failed.reason());
    p.waiters().forEach(w -> w.tell(StatusReply.error("storage unavailable, try again")));
    return Effect().none();
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

  private Effect<Event, State> onAcknowledgeMany(State state, AcknowledgeMessages cmd) {
    List<StoredMessage> matched = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Ack ack : cmd.acks()) {
      StoredMessage m = state.message(ack.messageHash());
      if (m != null && m.senderName().equals(ack.senderName()) && seen.add(m.messageHash())) {
        matched.add(m);
      }
    }
    if (matched.isEmpty()) {
      cmd.replyTo().tell(StatusReply.success(new AcknowledgedMany(0)));
      return Effect().none();
    }
    List<Event> events = new ArrayList<>();
    for (int from = 0; from < matched.size(); from += HASHES_PER_EVENT) {
      events.add(
          new MessagesAcknowledged(
              matched.subList(from, Math.min(matched.size(), from + HASHES_PER_EVENT)).stream()
                  .map(StoredMessage::messageHash)
                  .toList()));
    }
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              cmd.replyTo().tell(StatusReply.success(new AcknowledgedMany(matched.size())));
              deleteBodies(matched.stream().map(StoredMessage::bodyKey).toList());
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
    for (int from = 0; from < due.size(); from += HASHES_PER_EVENT) {
      events.add(
          new MessagesExpired(
              due.subList(from, Math.min(due.size(), from + HASHES_PER_EVENT)).stream()
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
            ProfileExtensionSet.class,
            (state, e) -> {
              state.profileExtensionJson = e.profileExtensionJson();
              return state;
            })
        .onEvent(
            SpamFilterRulesSet.class,
            (state, e) -> {
              state.spamFilterRulesJson = e.spamFilterRulesJson();
              return state;
            })
        .onEvent(
            NotificationChannelsSet.class,
            (state, e) -> {
              state.notificationChannelsJson = e.notificationChannelsJson();
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
            MessagesAcknowledged.class,
            (state, e) -> {
              e.messageHashes().forEach(state::remove);
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
    return RetentionCriteria.snapshotEvery(snapshotEvery(address, settings.snapshotEvery()), 2)
        .withDeleteEventsOnSnapshot();
  }

  /**
   * This mailbox's snapshot interval: the configured one plus up to a fifth more, fixed per
   * address. Mailboxes that grow in step (a sender writing to many recipients in turn, a load
   * test) would otherwise all snapshot at the same event number; a snapshot holds the whole index
   * and the entity stashes commands while it is stored, so 200 such mailboxes stalled a node for
   * about a second (35 MB of snapshots at once, measured with ops/bench at 1,500 submits/s). Fixed
   * per address, so deletion of old events keeps following the same interval across restarts.
   */
  static int snapshotEvery(String address, int configured) {
    int spread = Math.max(1, configured / 5);
    return configured + Math.floorMod(address.hashCode(), spread);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        // A copy taken now: the snapshot is serialized later, while the live state moves on.
        return new Snapshot(
            state.signedProfileJson,
            state.profileExtensionJson,
            state.spamFilterRulesJson,
            state.notificationChannelsJson,
            state.messages());
      }

      @Override
      public State fromJournal(Object from) {
        Snapshot snapshot = (Snapshot) from;
        State state = new State();
        state.signedProfileJson = snapshot.signedProfileJson();
        state.profileExtensionJson = snapshot.profileExtensionJson();
        state.spamFilterRulesJson = snapshot.spamFilterRulesJson();
        state.notificationChannelsJson = snapshot.notificationChannelsJson();
        snapshot.messages().forEach(state::add);
        return state;
      }
    };
  }
}
