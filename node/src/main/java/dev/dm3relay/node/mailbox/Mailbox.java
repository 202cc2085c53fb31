package dev.dm3relay.node.mailbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.dm3relay.node.core.CborSerializable;
import dev.dm3relay.node.core.NotificationTarget;
import dev.dm3relay.protocol.crypto.Hashes;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import io.github.bucket4j.Bucket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
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
 *
 * <p>An envelope is identified by its sender's name and its message hash together ({@link
 * MessageKey}): acknowledgements name both, and a hash alone is the sender's claim, so another
 * sender reusing it must neither replace nor be mistaken for the first envelope.
 */
public final class Mailbox
    extends EventSourcedBehaviorWithEnforcedReplies<Mailbox.Command, Mailbox.Event, Mailbox.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Mailbox");

  /**
   * Keys per acknowledgement or expiry event, and per {@link AcknowledgeMessages} command: an
   * event stays a small row however many messages one sync names, and a command stays well inside
   * Artery's 256 KiB frame (500 keys of at most 255-byte names and 66-character hashes ≈ 165 KB).
   */
  public static final int KEYS_PER_EVENT = 500;

  /**
   * Envelopes indexed by one journal write at most. The write is a single-partition batch, and
   * Cassandra refuses batches over {@code batch_size_fail_threshold} (640 KiB by default); 100
   * index entries stay far below it whatever their names.
   */
  static final int ENVELOPES_PER_WRITE = 100;

  // ----------------------------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable
      permits RegisterProfile, SetSpamFilterRules, GetAccount, GetStats, BufferEnvelope, AcknowledgeMessages,
          PurgeMessages, ListIncoming,
          GetNotificationSettings, SetGlobalNotifications, AddNotificationChannel, SetNotificationChannelEnabled,
          RemoveNotificationChannel, IssueOtp, VerifyOtp, WatchLive, UnwatchLive, Stop,
          BodyStored, BodyStoreFailed, PendingTimedOut, PersistStoredBodies, ExpiryTick {}

  /** When a profile may take the place of a different one already registered. */
  public enum Replace {
    /** Only a first registration (or the very same profile again). */
    NEVER,
    /** Only while {@code expectedCurrentJson} is still the registered profile. */
    IF_CURRENT,
    /** Whatever is registered (the caller has checked the new one against ENS). */
    ALWAYS
  }

  /**
   * Register the account's signed profile (an opaque JSON string here), or replace it as {@code
   * replace} allows.
   *
   * @param expectedCurrentJson for {@link Replace#IF_CURRENT}: the profile the caller's proof was
   *     checked against; otherwise null
   */
  public record RegisterProfile(
      String signedProfileJson,
      Replace replace,
      String expectedCurrentJson,
      ActorRef<StatusReply<Registration>> replyTo)
      implements Command {}

  /** The account's spam filter rules (JSON: minNonce, minBalance, minTokenBalance). */
  public record SetSpamFilterRules(String spamFilterRulesJson, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  public record GetAccount(ActorRef<StatusReply<Account>> replyTo) implements Command {}

  /** What the operator sees of a mailbox (admin API); walks the index, so not for the submit path. */
  public record GetStats(ActorRef<StatusReply<Stats>> replyTo) implements Command {}

  /** Remove every buffered envelope (admin API): events, then bodies; the account stays. */
  public record PurgeMessages(ActorRef<StatusReply<Purged>> replyTo) implements Command {}

  /**
   * Buffer an envelope (postmark already inside). Replies once body and event are durable.
   *
   * <p>The submitting node stamped the envelope with the account as it last read it, often from
   * its cache rather than by asking first (one ask per submit, not two): {@code
   * expectedProfileJson} and {@code expectedSpamRulesJson} are that account's, and the mailbox
   * refuses with {@link BufferOutcome#ACCOUNT_CHANGED} if its account is no longer that one, so no
   * envelope is ever stored with a postmark for a replaced key or past replaced spam rules. A null
   * {@code expectedProfileJson} expects nothing (a node of an older version, which asked first).
   */
  public record BufferEnvelope(
      IncomingEnvelope envelope,
      String expectedProfileJson,
      String expectedSpamRulesJson,
      ActorRef<StatusReply<Buffered>> replyTo)
      implements Command {

    public BufferEnvelope(IncomingEnvelope envelope, ActorRef<StatusReply<Buffered>> replyTo) {
      this(envelope, null, null, replyTo);
    }
  }

  /** One acknowledgement: the sender's name as the client saw it and the envelope's message hash. */
  public record Ack(String senderName, String messageHash) implements CborSerializable {}

  /**
   * Acknowledgements of a client's sync (at most {@link #KEYS_PER_EVENT}; the caller splits a
   * larger one): one event and one journal write for all of them. Unknown pairs are skipped.
   */
  public record AcknowledgeMessages(List<Ack> acks, ActorRef<StatusReply<AcknowledgedMany>> replyTo)
      implements Command {}

  /**
   * The body keys of the incoming window, newest first (dm3-protocol.md §5.4): every conversation
   * when {@code conversationId} is null, else only that one.
   */
  public record ListIncoming(String conversationId, ActorRef<StatusReply<Incoming>> replyTo)
      implements Command {}

  // notifications (dm3-protocol.md §4.6): the rules are the notification use case's; the mailbox
  // keeps the durable state and makes the decisions that must be atomic (one-time codes, tries)

  public record GetNotificationSettings(ActorRef<StatusReply<NotificationSettings>> replyTo) implements Command {}

  public record SetGlobalNotifications(boolean enabled, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /**
   * Adds the channel of this type, replacing one there was (enabled, and verified only if {@code
   * verified}); a new one-time code with it when {@code otp} is not null, unless the last code of
   * the type is younger than {@code resendInterval} (TOO_SOON: re-adding is no way around the
   * resend throttle, and each code is a mail to an address nobody has verified). Any earlier code
   * of the type is void.
   */
  public record AddNotificationChannel(
      String type, String recipientValue, boolean verified, Otp otp, Duration resendInterval, ActorRef<StatusReply<OtpIssue>> replyTo)
      implements Command {}

  public record SetNotificationChannelEnabled(String type, boolean enabled, ActorRef<StatusReply<ChannelChange>> replyTo)
      implements Command {}

  /**
   * @param onlyIfRecipientValue remove only while the channel still has this value (a push service
   *     said the subscription is gone: the user may have subscribed anew meanwhile); null: remove
   */
  public record RemoveNotificationChannel(
      String type, String onlyIfRecipientValue, ActorRef<StatusReply<ChannelChange>> replyTo)
      implements Command {}

  /** A new one-time code for the channel, unless the last one was issued less than {@code resendInterval} ago. */
  public record IssueOtp(String type, Otp otp, Duration resendInterval, ActorRef<StatusReply<OtpIssue>> replyTo)
      implements Command {}

  /**
   * Checks a code (its keyed digest) against the channel's: a match within {@code validity} and
   * fewer than {@code maxTries} wrong tries verifies the channel; a wrong one counts a try.
   */
  public record VerifyOtp(String type, String digest, Duration validity, int maxTries, ActorRef<StatusReply<OtpCheck>> replyTo)
      implements Command {}

  /**
   * A node holds (or is about to hold) live sockets of this mailbox's account: push it every
   * envelope persisted from now on, for {@link #WATCH_TTL} (nodes refresh well before). Not state:
   * a mailbox that stops tells its watchers ({@link WatchLost}) so that they register again at
   * once with its next incarnation.
   *
   * @param resume the node was registered before (it renews, or its mailbox stopped): push it, too,
   *     what this incarnation stored in the last {@link #WATCH_TTL} without pushing it there, so
   *     nothing accepted while the mailbox moved between nodes is missed. False for a node's first
   *     registration of the account: its new socket fetches the inbox anyway.
   */
  public record WatchLive(ActorRef<LiveEvent> watcher, boolean resume, ActorRef<StatusReply<Done>> replyTo)
      implements Command {
    public WatchLive(ActorRef<LiveEvent> watcher, ActorRef<StatusReply<Done>> replyTo) {
      this(watcher, false, replyTo);
    }
  }

  public record UnwatchLive(ActorRef<LiveEvent> watcher) implements Command {}

  /** Cluster Sharding's stop message (passivation, rebalance): tell the watchers, then stop. */
  public enum Stop implements Command {
    INSTANCE
  }

  /**
   * The body of the pending envelope with this key is durable; persist its index entry. {@code
   * attempt} tells this write from an earlier one of the same key, whose late answer must not
   * settle a newer attempt.
   */
  record BodyStored(MessageKey key, long attempt) implements Command {}

  record BodyStoreFailed(MessageKey key, long attempt, String reason) implements Command {}

  /**
   * A pending envelope got no answer from its body write in time: its BodyStored or
   * BodyStoreFailed was lost (a full stash while a long write was in flight). It must not hold its
   * place in the quota and its sender's resubmits forever.
   */
  record PendingTimedOut(MessageKey key, long attempt) implements Command {}

  /** Persist the index entries of bodies stored since the last such command. */
  enum PersistStoredBodies implements Command {
    INSTANCE
  }

  /** Drop what is older than messageTTL: on a timer while awake, and on every wake-up. */
  enum ExpiryTick implements Command {
    INSTANCE
  }

  // ------------------------------------------------------------------------------------ replies

  /** The account as stored; a JSON field is null until set. */
  public record Account(
      String signedProfileJson,
      String spamFilterRulesJson,
      int messageCount,
      long totalBytes)
      implements CborSerializable {}

  /** How a {@link RegisterProfile} ended. */
  public enum RegistrationOutcome {
    /** The profile is now the account's (first registration or an allowed replacement). */
    REGISTERED,
    /** The same profile was registered already; nothing was written. */
    UNCHANGED,
    /** Another profile is registered and the command did not allow replacing it. */
    CONFLICT
  }

  public record Registration(RegistrationOutcome outcome) implements CborSerializable {}

  /** How a {@link BufferEnvelope} ended, short of a storage failure (a StatusReply error). */
  public enum BufferOutcome {
    /** Durable now. */
    STORED,
    /** The same sender's envelope with this hash is buffered already; nothing was added. */
    DUPLICATE,
    /** The mailbox is at its message or byte quota. */
    MAILBOX_FULL,
    /** This sender holds its whole share of the mailbox's quota. */
    SENDER_SHARE_FULL,
    /** More envelopes arrive for this mailbox than RATE_LIMIT_RECIPIENT lets in. */
    RATE_LIMITED,
    /** The account is not the one the envelope was stamped with (see {@link BufferEnvelope}); nothing was added. */
    ACCOUNT_CHANGED
  }

  /**
   * @param storedAt the store time of the envelope (the first one for a duplicate); 0 if refused
   * @param watchers STORED: the nodes that hold live sockets of the account, to push it to
   * @param due STORED with no watcher: the channels due a new-message notification (enabled,
   *     verified, none sent within the minimum interval); the mailbox counts them as notified
   */
  public record Buffered(
      BufferOutcome outcome, long storedAt, List<ActorRef<LiveEvent>> watchers, List<NotificationTarget> due)
      implements CborSerializable {

    public Buffered(BufferOutcome outcome, long storedAt) {
      this(outcome, storedAt, List.of(), List.of());
    }
  }

  public record AcknowledgedMany(int removed) implements CborSerializable {}

  /**
   * @param registered whether a profile is registered
   * @param oldestStoredAt the oldest buffered envelope's store time (ms), or 0 when there is none
   */
  public record Stats(boolean registered, int messages, long bytes, long oldestStoredAt) implements CborSerializable {}

  public record Purged(int count) implements CborSerializable {}

  /** Keys into the body store, in the order the receiver gets the envelopes. */
  public record Incoming(List<String> bodyKeys) implements CborSerializable {}

  /** One of the account's notification channels (§4.6), as the routes show it. */
  public record NotificationChannel(String type, String recipientValue, boolean enabled, boolean verified)
      implements CborSerializable {}

  public record NotificationSettings(boolean globalEnabled, List<NotificationChannel> channels) implements CborSerializable {}

  /**
   * A one-time code as the mailbox keeps it: a digest keyed with the relay's secret (the journal
   * never holds the code, and five digits unkeyed would be read back in a blink), and when it was
   * issued (ms).
   */
  public record Otp(String digest, long issuedAt) implements CborSerializable {}

  public record ChannelChange(boolean found) implements CborSerializable {}

  public enum OtpIssueOutcome {
    ISSUED,
    NO_CHANNEL,
    ALREADY_VERIFIED,
    /** The last code is younger than the resend interval. */
    TOO_SOON
  }

  /** @param recipientValue where the code goes (ISSUED only) */
  public record OtpIssue(OtpIssueOutcome outcome, long retryAfterSeconds, String recipientValue) implements CborSerializable {}

  public enum OtpCheckOutcome {
    VERIFIED,
    NO_CHANNEL,
    DISABLED,
    ALREADY_VERIFIED,
    NO_CODE,
    EXPIRED,
    /** maxTries wrong codes: only a new code helps. */
    TOO_MANY_TRIES,
    WRONG
  }

  public record OtpCheck(OtpCheckOutcome outcome) implements CborSerializable {}

  /** What a watching node gets from a mailbox. */
  public sealed interface LiveEvent extends CborSerializable permits LiveEnvelope, WatchLost {}

  /**
   * A freshly stored envelope of the account, sent by the node that buffered it.
   *
   * @param origin that node's address (for the local/remote push count)
   */
  public record LiveEnvelope(String address, String envelopeJson, String origin) implements LiveEvent {}

  /** The mailbox stopped (passivated or moved): register again. */
  public record WatchLost(String address) implements LiveEvent {}

  // ------------------------------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable
      permits ProfileRegistered, SpamFilterRulesSet, EnvelopeBuffered, EnvelopesAcknowledged, EnvelopesExpired,
          EnvelopesPurged, MessageAcknowledged,
          MessagesAcknowledged, MessagesExpired,
          GlobalNotificationsSet, NotificationChannelAdded, NotificationChannelEnabled, NotificationChannelRemoved,
          OtpIssued, OtpRejected, NotificationChannelVerified {}

  public record ProfileRegistered(String signedProfileJson) implements Event {}

  public record SpamFilterRulesSet(String spamFilterRulesJson) implements Event {}

  public record EnvelopeBuffered(StoredMessage message) implements Event {}

  public record EnvelopesAcknowledged(List<MessageKey> keys) implements Event {}

  public record EnvelopesExpired(List<MessageKey> keys) implements Event {}

  /** The operator removed these envelopes (admin API), at most {@link #KEYS_PER_EVENT} an event. */
  public record EnvelopesPurged(List<MessageKey> keys) implements Event {}

  /**
   * Written before envelopes were keyed by sender and hash, when a hash named one envelope. Replayed
   * only: it removes every entry with that hash. The same holds for the next two.
   */
  public record MessageAcknowledged(String messageHash) implements Event {}

  public record MessagesAcknowledged(List<String> messageHashes) implements Event {}

  public record MessagesExpired(List<String> messageHashes) implements Event {}

  public record GlobalNotificationsSet(boolean enabled) implements Event {}

  /** Replaces the type's channel: enabled, verified as given, any code of the type void. */
  public record NotificationChannelAdded(String type, String recipientValue, boolean verified) implements Event {}

  public record NotificationChannelEnabled(String type, boolean enabled) implements Event {}

  public record NotificationChannelRemoved(String type) implements Event {}

  public record OtpIssued(String type, String digest, long issuedAt) implements Event {}

  /** A wrong code was tried. */
  public record OtpRejected(String type) implements Event {}

  /** The code matched: the channel is verified and its code spent. */
  public record NotificationChannelVerified(String type) implements Event {}

  // -------------------------------------------------------------------------------------- state

  /** What a sender's envelopes take of the mailbox. */
  static final class Usage {
    int messages;
    long bytes;
  }

  /**
   * Mutable on purpose: copying a 10,000-entry index for every event would make each write cost
   * O(depth). Only the event handler changes it; replies and snapshots get copies
   * ({@link #snapshotAdapter()}).
   */
  public static final class State {
    private String signedProfileJson;
    private String spamFilterRulesJson;
    private boolean notificationsOn;
    /** By channel type, in the order added. */
    private final LinkedHashMap<String, NotificationChannel> channels = new LinkedHashMap<>();
    private final Map<String, OtpState> otps = new HashMap<>();
    /** In store order (oldest first). */
    private final LinkedHashMap<MessageKey, StoredMessage> messages = new LinkedHashMap<>();
    private final Map<String, Usage> bySender = new HashMap<>();
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
      return new Account(signedProfileJson, spamFilterRulesJson, messages.size(), totalBytes);
    }

    public NotificationSettings notificationSettings() {
      return new NotificationSettings(notificationsOn, List.copyOf(channels.values()));
    }

    NotificationsSnapshot notificationsSnapshot() {
      if (!notificationsOn && channels.isEmpty() && otps.isEmpty()) {
        return null;
      }
      return new NotificationsSnapshot(notificationsOn, List.copyOf(channels.values()), Map.copyOf(otps));
    }

    void restore(NotificationsSnapshot n) {
      if (n != null) {
        notificationsOn = n.globalEnabled();
        n.channels().forEach(c -> channels.put(c.type(), c));
        otps.putAll(n.otps());
      }
    }

    public StoredMessage message(MessageKey key) {
      return messages.get(key);
    }

    public List<StoredMessage> messages() {
      return List.copyOf(messages.values());
    }

    /** Messages and bytes of one sender's buffered envelopes. */
    public long[] usage(String senderName) {
      Usage usage = bySender.get(senderName);
      return usage == null ? new long[] {0, 0} : new long[] {usage.messages, usage.bytes};
    }

    /** Senders with at least one buffered envelope. */
    public int senderCount() {
      return bySender.size();
    }

    void add(StoredMessage message) {
      StoredMessage previous = messages.put(MessageKey.of(message), message);
      if (previous != null) {
        account(previous, -1);
      }
      account(message, +1);
    }

    StoredMessage remove(MessageKey key) {
      StoredMessage removed = messages.remove(key);
      if (removed != null) {
        account(removed, -1);
      }
      return removed;
    }

    /** Removes every entry with one of these hashes, whoever sent it (legacy events). */
    void removeHashes(List<String> hashes) {
      Set<String> doomed = new HashSet<>(hashes);
      List<MessageKey> keys = new ArrayList<>();
      for (StoredMessage m : messages.values()) {
        if (doomed.contains(m.messageHash())) {
          keys.add(MessageKey.of(m));
        }
      }
      keys.forEach(this::remove);
    }

    private void account(StoredMessage message, int sign) {
      totalBytes += sign * (long) message.size();
      Usage usage = bySender.computeIfAbsent(message.senderName(), k -> new Usage());
      usage.messages += sign;
      usage.bytes += sign * (long) message.size();
      if (usage.messages == 0) {
        bySender.remove(message.senderName());
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
      List<List<StoredMessage>> conversations = new ArrayList<>(byConversation.values());
      conversations.forEach(c -> c.sort(NEWEST_FIRST));
      conversations.sort(
          Comparator.comparingLong((List<StoredMessage> c) -> c.get(0).storedAt()).reversed());
      List<StoredMessage> window = new ArrayList<>();
      for (List<StoredMessage> c : conversations.subList(0, Math.min(maxConversations, conversations.size()))) {
        window.addAll(c.subList(0, Math.min(maxPerConversation, c.size())));
      }
      return window;
    }

    /** The newest messages of one conversation, newest first. */
    List<StoredMessage> conversation(String conversationId, int max) {
      List<StoredMessage> found = new ArrayList<>();
      for (StoredMessage m : messages.values()) {
        if (m.conversationId().equals(conversationId)) {
          found.add(m);
        }
      }
      found.sort(NEWEST_FIRST);
      return found.subList(0, Math.min(max, found.size()));
    }
  }

  /** A channel's one-time code: its digest, issue time (ms) and the wrong tries so far. */
  public record OtpState(@JsonProperty("d") String digest, @JsonProperty("t") long issuedAt, @JsonProperty("w") int wrongTries) {}

  /** The notification part of a snapshot; null when the account never touched notifications. */
  public record NotificationsSnapshot(boolean globalEnabled, List<NotificationChannel> channels, Map<String, OtpState> otps) {}

  private static final Comparator<StoredMessage> NEWEST_FIRST =
      Comparator.comparingLong(StoredMessage::storedAt).reversed();

  /**
   * What a snapshot holds: the account and the index, never envelope bodies. The index is grouped
   * by sender, and what can be derived (conversation id, body key) is left out, so that a full
   * mailbox stays a few MB at most (10,000 entries of distinct 253-character senders ≈ 3.5 MB,
   * tested) — far below Cassandra's 16 MiB frame, whatever strangers send.
   */
  public record IndexSnapshot(
      String signedProfileJson,
      String spamFilterRulesJson,
      List<SenderIndex> senders,
      @JsonInclude(JsonInclude.Include.NON_NULL) NotificationsSnapshot notifications)
      implements CborSerializable {}

  /** One sender's buffered envelopes in a snapshot; short property names keep it compact. */
  public record SenderIndex(@JsonProperty("n") String senderName, @JsonProperty("m") List<IndexEntry> messages) {}

  /** @param bodyKey null when it is {@link #bodyKey(String, String)} of the entry's sender and hash */
  public record IndexEntry(
      @JsonProperty("h") String messageHash,
      @JsonProperty("t") long storedAt,
      @JsonProperty("s") int size,
      @JsonProperty("k") @JsonInclude(JsonInclude.Include.NON_NULL) String bodyKey) {}

  /**
   * The snapshot format written before the index was grouped by sender. Read only, so that a
   * mailbox snapshotted by an older relay still recovers. (Its profile-extension and
   * notification-channel fields were never set by any route; unknown properties are skipped.)
   */
  public record Snapshot(String signedProfileJson, String spamFilterRulesJson, List<StoredMessage> messages)
      implements CborSerializable {}

  // ----------------------------------------------------------------------------------- behavior

  /**
   * @param journalWrites times each index write from persist to persisted ({@code
   *     dm3_relay_store_write_duration_seconds{store="journal"}})
   */
  public static Behavior<Command> create(
      String address, MailboxSettings settings, EnvelopeBodies bodies, Clock clock, Timer journalWrites) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Mailbox(address, settings, bodies, clock, journalWrites, context, timers)));
  }

  /** An entity whose journal writes are timed nowhere (entity tests). */
  static Behavior<Command> create(String address, MailboxSettings settings, EnvelopeBodies bodies, Clock clock) {
    return create(address, settings, bodies, clock, Timer.builder("unused").register(new SimpleMeterRegistry()));
  }

  private final String address;
  private final String conversationPrefix;
  private final MailboxSettings settings;
  private final EnvelopeBodies bodies;
  private final Clock clock;
  private final Timer journalWrites;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  /**
   * Accepted envelopes whose body write is in flight. Not state: nothing is promised about them
   * until their event is persisted, and a restarted entity forgets them (the senders' asks time out
   * and dm3 clients resubmit, which is idempotent).
   */
  private final Map<MessageKey, PendingEnvelope> pending = new HashMap<>();
  private final Map<String, Usage> pendingBySender = new HashMap<>();
  private long pendingBytes;

  /** Bodies durable, events not yet persisted: the next PersistStoredBodies writes them together. */
  private final List<PendingEnvelope> stored = new ArrayList<>();

  private final Set<MessageKey> storedKeys = new HashSet<>();

  private record PendingEnvelope(
      StoredMessage message, long attempt, List<ActorRef<StatusReply<Buffered>>> waiters) {}

  /**
   * New envelopes this mailbox takes per second (RATE_LIMIT_RECIPIENT); null when off. Not state:
   * a restarted or moved entity starts with a full bucket, which lets at most one more burst in.
   */
  private final Bucket arrivals;

  /**
   * Nodes watching for live envelopes, with when each registration lapses (ms). Not state: a node
   * that died stops refreshing, and a new incarnation of this mailbox hears from every watcher
   * again (the old one told them it stopped).
   */
  private final Map<ActorRef<LiveEvent>, Long> watchers = new HashMap<>();

  /** When each channel type was last handed out for a new-message notification (ms); not state. */
  private final Map<String, Long> lastNotified = new HashMap<>();

  /**
   * What this incarnation persisted in the last {@link #WATCH_TTL} (at most {@link #RECENT_LIMIT}),
   * with the watchers it went to: a node that registers again ({@link WatchLive#resume()}) gets what
   * it missed. That covers the gap of a move: the old incarnation said {@link WatchLost}, the new one
   * stored an envelope before the node's new registration reached it (or, after a crash, before its
   * next refresh). Not state: a new incarnation starts with none.
   */
  private final ArrayDeque<RecentStore> recent = new ArrayDeque<>();

  private record RecentStore(MessageKey key, String bodyKey, long at, Set<ActorRef<LiveEvent>> pushedTo) {}

  static final int RECENT_LIMIT = 256;

  /** How long a {@link WatchLive} holds: three of the nodes' refresh intervals. */
  public static final Duration WATCH_TTL = Duration.ofSeconds(90);

  /** Numbers the body writes of this entity, so that a late answer finds no newer attempt. */
  private long attempts;

  /** How long a body write may take before its envelope stops being pending (several driver timeouts). */
  static final Duration PENDING_TIMEOUT = Duration.ofSeconds(30);

  /** How soon a stopping mailbox with body writes in flight looks again whether it may stop. */
  static final Duration STOP_RECHECK = Duration.ofMillis(20);

  private Mailbox(
      String address,
      MailboxSettings settings,
      EnvelopeBodies bodies,
      Clock clock,
      Timer journalWrites,
      ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), address),
        // A failed journal write restarts the entity (recovering from Cassandra) instead of
        // stopping it; the sender's ask times out and the dm3 client resubmits (idempotent).
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.address = address;
    this.conversationPrefix = address.toLowerCase(Locale.ROOT) + ",";
    this.settings = settings;
    this.bodies = bodies;
    this.clock = clock;
    this.journalWrites = journalWrites;
    this.context = context;
    this.timers = timers;
    this.arrivals = settings.perRecipient().off() ? null : settings.perRecipient().newBucket();
  }

  /**
   * The conversation a sender's messages to this mailbox belong to: lower-case receiver address,
   * a comma, the sender's (already normalised) name — what {@code EnsNames.conversationId} gives.
   */
  static String conversationId(String mailboxAddress, String senderName) {
    return mailboxAddress.toLowerCase(Locale.ROOT) + "," + senderName;
  }

  /**
   * Where a body is stored: one per sender and hash, so a resubmit after a lost reply overwrites
   * in place and another sender's envelope with the same hash gets a row of its own.
   */
  static String bodyKey(String senderName, String messageHash) {
    return Hashes.sha256Hex(senderName + "\n" + messageHash);
  }

  @Override
  public State emptyState() {
    return new State();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RegisterProfile.class, this::onRegisterProfile)
        .onCommand(
            SetSpamFilterRules.class,
            (state, cmd) ->
                java.util.Objects.equals(state.spamFilterRulesJson, cmd.spamFilterRulesJson())
                    ? Effect().reply(cmd.replyTo(), StatusReply.ack())
                    : persistAndAck(new SpamFilterRulesSet(cmd.spamFilterRulesJson()), cmd.replyTo()))
        .onCommand(
            GetAccount.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state.account())))
        .onCommand(BufferEnvelope.class, this::onBufferEnvelope)
        .onCommand(BodyStored.class, this::onBodyStored)
        .onCommand(BodyStoreFailed.class, this::onBodyStoreFailed)
        .onCommand(PendingTimedOut.class, this::onPendingTimedOut)
        .onCommand(PersistStoredBodies.class, (state, cmd) -> persistStoredBodies())
        .onCommand(AcknowledgeMessages.class, this::onAcknowledge)
        .onCommand(ExpiryTick.class, (state, cmd) -> expire(state))
        .onCommand(ListIncoming.class, this::onListIncoming)
        .onCommand(
            GetStats.class,
            (state, cmd) -> {
              long oldest = state.messages.values().stream().mapToLong(StoredMessage::storedAt).min().orElse(0);
              return Effect()
                  .reply(
                      cmd.replyTo(),
                      StatusReply.success(new Stats(state.signedProfileJson != null, state.messageCount(), state.totalBytes(), oldest)));
            })
        .onCommand(PurgeMessages.class, this::onPurge)
        .onCommand(
            GetNotificationSettings.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state.notificationSettings())))
        .onCommand(
            SetGlobalNotifications.class,
            (state, cmd) ->
                state.notificationsOn == cmd.enabled()
                    ? Effect().reply(cmd.replyTo(), StatusReply.ack())
                    : persistAndAck(new GlobalNotificationsSet(cmd.enabled()), cmd.replyTo()))
        .onCommand(AddNotificationChannel.class, this::onAddChannel)
        .onCommand(
            SetNotificationChannelEnabled.class,
            (state, cmd) -> {
              NotificationChannel channel = state.channels.get(cmd.type());
              if (channel == null) {
                return Effect().reply(cmd.replyTo(), StatusReply.success(new ChannelChange(false)));
              }
              if (channel.enabled() == cmd.enabled()) {
                return Effect().reply(cmd.replyTo(), StatusReply.success(new ChannelChange(true)));
              }
              return Effect()
                  .persist(new NotificationChannelEnabled(cmd.type(), cmd.enabled()))
                  .thenReply(cmd.replyTo(), st -> StatusReply.success(new ChannelChange(true)));
            })
        .onCommand(
            RemoveNotificationChannel.class,
            (state, cmd) -> {
              NotificationChannel channel = state.channels.get(cmd.type());
              if (channel == null
                  || (cmd.onlyIfRecipientValue() != null && !cmd.onlyIfRecipientValue().equals(channel.recipientValue()))) {
                return Effect().reply(cmd.replyTo(), StatusReply.success(new ChannelChange(false)));
              }
              return Effect()
                  .persist(new NotificationChannelRemoved(cmd.type()))
                  .thenReply(cmd.replyTo(), st -> StatusReply.success(new ChannelChange(true)));
            })
        .onCommand(IssueOtp.class, this::onIssueOtp)
        .onCommand(VerifyOtp.class, this::onVerifyOtp)
        .onCommand(
            WatchLive.class,
            (state, cmd) -> {
              watchers.put(cmd.watcher(), clock.millis() + WATCH_TTL.toMillis());
              catchUp(state, cmd.watcher(), cmd.resume());
              return Effect().reply(cmd.replyTo(), StatusReply.ack());
            })
        .onCommand(
            UnwatchLive.class,
            (state, cmd) -> {
              watchers.remove(cmd.watcher());
              return Effect().noReply();
            })
        .onCommand(
            Stop.class,
            (state, cmd) -> {
              if (!pending.isEmpty()) {
                // Passivated (idle, or picked by the shard's active-entity limit) or handed off
                // while body writes are in flight: stopping now would drop their answers, and each
                // of those submits would wait out ASK_TIMEOUT for a 503 with its body written (the
                // accounts probe, waking 10,000 mailboxes, met it). The shard holds back new
                // commands for a stopping entity, so the in-flight writes only finish (each within
                // PENDING_TIMEOUT); look again shortly.
                timers.startSingleTimer(Stop.INSTANCE, Stop.INSTANCE, STOP_RECHECK);
                return Effect().noReply();
              }
              watchers.keySet().forEach(w -> w.tell(new WatchLost(address)));
              return Effect().stop().thenNoReply();
            })
        .build();
  }

  private ReplyEffect<Event, State> onAddChannel(State state, AddNotificationChannel cmd) {
    OtpState last = state.otps.get(cmd.type());
    if (cmd.otp() != null && last != null) {
      long wait = last.issuedAt() + cmd.resendInterval().toMillis() - cmd.otp().issuedAt();
      if (wait > 0) {
        return Effect().reply(cmd.replyTo(), StatusReply.success(new OtpIssue(OtpIssueOutcome.TOO_SOON, (wait + 999) / 1000, null)));
      }
    }
    List<Event> events = new ArrayList<>();
    events.add(new NotificationChannelAdded(cmd.type(), cmd.recipientValue(), cmd.verified()));
    if (cmd.otp() != null) {
      events.add(new OtpIssued(cmd.type(), cmd.otp().digest(), cmd.otp().issuedAt()));
    }
    return Effect()
        .persist(events)
        .thenReply(cmd.replyTo(), st -> StatusReply.success(new OtpIssue(OtpIssueOutcome.ISSUED, 0, cmd.recipientValue())));
  }

  private ReplyEffect<Event, State> onIssueOtp(State state, IssueOtp cmd) {
    NotificationChannel channel = state.channels.get(cmd.type());
    if (channel == null) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new OtpIssue(OtpIssueOutcome.NO_CHANNEL, 0, null)));
    }
    if (channel.verified()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new OtpIssue(OtpIssueOutcome.ALREADY_VERIFIED, 0, null)));
    }
    OtpState last = state.otps.get(cmd.type());
    long wait = last == null ? 0 : last.issuedAt() + cmd.resendInterval().toMillis() - cmd.otp().issuedAt();
    if (wait > 0) {
      long seconds = (wait + 999) / 1000;
      return Effect().reply(cmd.replyTo(), StatusReply.success(new OtpIssue(OtpIssueOutcome.TOO_SOON, seconds, null)));
    }
    return Effect()
        .persist(new OtpIssued(cmd.type(), cmd.otp().digest(), cmd.otp().issuedAt()))
        .thenReply(
            cmd.replyTo(), st -> StatusReply.success(new OtpIssue(OtpIssueOutcome.ISSUED, 0, channel.recipientValue())));
  }

  private ReplyEffect<Event, State> onVerifyOtp(State state, VerifyOtp cmd) {
    NotificationChannel channel = state.channels.get(cmd.type());
    OtpState otp = state.otps.get(cmd.type());
    OtpCheckOutcome refusal =
        channel == null
            ? OtpCheckOutcome.NO_CHANNEL
            : !channel.enabled()
                ? OtpCheckOutcome.DISABLED
                : channel.verified()
                    ? OtpCheckOutcome.ALREADY_VERIFIED
                    : otp == null
                        ? OtpCheckOutcome.NO_CODE
                        : otp.wrongTries() >= cmd.maxTries() ? OtpCheckOutcome.TOO_MANY_TRIES : null;
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new OtpCheck(refusal)));
    }
    boolean match =
        java.security.MessageDigest.isEqual(
            otp.digest().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            cmd.digest().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    if (!match) {
      // counted durably: a restart must not hand out fresh tries
      return Effect()
          .persist(new OtpRejected(cmd.type()))
          .thenReply(cmd.replyTo(), st -> StatusReply.success(new OtpCheck(OtpCheckOutcome.WRONG)));
    }
    if (clock.millis() > otp.issuedAt() + cmd.validity().toMillis()) {
      // after the comparison, as the reference: a wrong code is "Invalid OTP" however old
      return Effect().reply(cmd.replyTo(), StatusReply.success(new OtpCheck(OtpCheckOutcome.EXPIRED)));
    }
    return Effect()
        .persist(new NotificationChannelVerified(cmd.type()))
        .thenReply(cmd.replyTo(), st -> StatusReply.success(new OtpCheck(OtpCheckOutcome.VERIFIED)));
  }

  /**
   * Pushes a re-registering watcher what it missed of {@link #recent}, oldest first, each body read
   * from the store (still buffered ones only); a first registration only marks them as seen.
   */
  private void catchUp(State state, ActorRef<LiveEvent> watcher, boolean resume) {
    forgetOldRecent();
    CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
    String checksummed = MailboxAddress.checksummed(address);
    for (RecentStore r : recent) {
      if (!r.pushedTo().add(watcher) || !resume || state.message(r.key()) == null) {
        continue;
      }
      chain =
          chain.thenCompose(
              done ->
                  bodies
                      .readOne(address, r.bodyKey())
                      .handle(
                          (json, failure) -> {
                            if (json != null && json.isPresent()) {
                              watcher.tell(new LiveEnvelope(checksummed, json.get(), RESUMED));
                            }
                            return Done.getInstance();
                          }));
    }
  }

  /** The origin of envelopes pushed by {@link #catchUp}: no node buffered them just now. */
  public static final String RESUMED = "resumed";

  private void forgetOldRecent() {
    long cutoff = clock.millis() - WATCH_TTL.toMillis();
    while (!recent.isEmpty() && (recent.size() > RECENT_LIMIT || recent.peekFirst().at() < cutoff)) {
      recent.pollFirst();
    }
  }

  /** The watchers whose registration holds now (lapsed ones are forgotten). */
  private List<ActorRef<LiveEvent>> liveWatchers() {
    if (watchers.isEmpty()) {
      return List.of();
    }
    long now = clock.millis();
    watchers.values().removeIf(until -> until < now);
    return List.copyOf(watchers.keySet());
  }

  /**
   * The channels a new message should be notified to now: none while a node watches live (the
   * receiver is online), or while global notifications are off; each enabled and verified channel
   * at most once per NOTIFICATION_MIN_INTERVAL, counted as notified from here.
   */
  private List<NotificationTarget> dueNotifications(State state) {
    if (!state.notificationsOn || state.channels.isEmpty()) {
      return List.of();
    }
    long now = clock.millis();
    List<NotificationTarget> due = new ArrayList<>();
    for (NotificationChannel c : state.channels.values()) {
      Long last = lastNotified.get(c.type());
      if (c.enabled() && c.verified() && (last == null || now - last >= settings.notificationMinInterval().toMillis())) {
        lastNotified.put(c.type(), now);
        due.add(new NotificationTarget(c.type(), c.recipientValue()));
      }
    }
    return due;
  }

  private ReplyEffect<Event, State> onRegisterProfile(State state, RegisterProfile cmd) {
    String current = state.signedProfileJson();
    if (current != null && current.equals(cmd.signedProfileJson())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Registration(RegistrationOutcome.UNCHANGED)));
    }
    boolean allowed =
        current == null
            || cmd.replace() == Replace.ALWAYS
            || (cmd.replace() == Replace.IF_CURRENT && current.equals(cmd.expectedCurrentJson()));
    if (!allowed) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Registration(RegistrationOutcome.CONFLICT)));
    }
    return Effect()
        .persist(new ProfileRegistered(cmd.signedProfileJson()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Registration(RegistrationOutcome.REGISTERED)));
  }

  private ReplyEffect<Event, State> persistAndAck(Event event, ActorRef<StatusReply<Done>> replyTo) {
    return Effect().persist(event).thenReply(replyTo, s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onBufferEnvelope(State state, BufferEnvelope cmd) {
    IncomingEnvelope envelope = cmd.envelope();
    // equal strings: on the mailbox's own node they are the very objects its GetAccount handed out
    if (cmd.expectedProfileJson() != null
        && !(cmd.expectedProfileJson().equals(state.signedProfileJson)
            && java.util.Objects.equals(cmd.expectedSpamRulesJson(), state.spamFilterRulesJson))) {
      return refuse(cmd, BufferOutcome.ACCOUNT_CHANGED);
    }
    MessageKey key = new MessageKey(envelope.senderName(), envelope.messageHash());
    StoredMessage existing = state.message(key);
    if (existing != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Buffered(BufferOutcome.DUPLICATE, existing.storedAt())));
    }
    PendingEnvelope inFlight = pending.get(key);
    if (inFlight != null) {
      // Same envelope submitted again before the first write finished: answer both together.
      inFlight.waiters().add(cmd.replyTo());
      return Effect().noReply();
    }
    if (arrivals != null && !arrivals.tryConsume(1)) {
      return refuse(cmd, BufferOutcome.RATE_LIMITED);
    }
    int size = envelope.sizeInBytes();
    int messages = state.messageCount() + pending.size();
    long bytes = state.totalBytes() + pendingBytes;
    if (messages >= settings.maxMessages() || bytes + size > settings.maxBytes()) {
      return refuse(cmd, BufferOutcome.MAILBOX_FULL);
    }
    long[] senderUsage = state.usage(envelope.senderName());
    Usage senderPending = pendingBySender.get(envelope.senderName());
    long senderMessages = senderUsage[0] + (senderPending == null ? 0 : senderPending.messages);
    long senderBytes = senderUsage[1] + (senderPending == null ? 0 : senderPending.bytes);
    if (senderMessages >= settings.maxMessagesPerSender() || senderBytes + size > settings.maxBytesPerSender()) {
      return refuse(cmd, BufferOutcome.SENDER_SHARE_FULL);
    }
    StoredMessage message =
        new StoredMessage(
            conversationPrefix + envelope.senderName(),
            envelope.senderName(),
            envelope.messageHash(),
            clock.millis(),
            size,
            bodyKey(envelope.senderName(), envelope.messageHash()));
    List<ActorRef<StatusReply<Buffered>>> waiters = new ArrayList<>();
    waiters.add(cmd.replyTo());
    long attempt = ++attempts;
    pending.put(key, new PendingEnvelope(message, attempt, waiters));
    track(pendingBySender, message, +1);
    pendingBytes += size;
    timers.startSingleTimer(new PendingTimedOut(key, attempt), new PendingTimedOut(key, attempt), PENDING_TIMEOUT);
    context.pipeToSelf(
        bodies.write(address, message.bodyKey(), envelope.json(), message.storedAt(), settings.messageTtl()),
        (done, failure) ->
            failure == null
                ? new BodyStored(key, attempt)
                : new BodyStoreFailed(key, attempt, String.valueOf(failure.getMessage())));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> refuse(BufferEnvelope cmd, BufferOutcome why) {
    return Effect().reply(cmd.replyTo(), StatusReply.success(new Buffered(why, 0L)));
  }

  private static void track(Map<String, Usage> usages, StoredMessage message, int sign) {
    Usage usage = usages.computeIfAbsent(message.senderName(), k -> new Usage());
    usage.messages += sign;
    usage.bytes += sign * (long) message.size();
    if (usage.messages == 0) {
      usages.remove(message.senderName());
    }
  }

  private PendingEnvelope takePending(MessageKey key) {
    PendingEnvelope p = pending.remove(key);
    if (p != null) {
      pendingBytes -= p.message().size();
      track(pendingBySender, p.message(), -1);
      timers.cancel(new PendingTimedOut(key, p.attempt()));
    }
    return p;
  }

  /** The pending envelope with this key if it is this attempt's; a late answer finds nothing. */
  private PendingEnvelope pendingAttempt(MessageKey key, long attempt) {
    PendingEnvelope p = pending.get(key);
    return p != null && p.attempt() == attempt && !storedKeys.contains(key) ? p : null;
  }

  private ReplyEffect<Event, State> onBodyStored(State state, BodyStored bodyStored) {
    PendingEnvelope p = pendingAttempt(bodyStored.key(), bodyStored.attempt());
    if (p == null) {
      return Effect().noReply();
    }
    // Group commit: while one persist is in flight, Pekko holds back the BodyStored messages that
    // arrive; they all join `stored` before the next PersistStoredBodies runs, so under load one
    // journal write (a single-partition batch) carries many events.
    if (stored.isEmpty()) {
      context.getSelf().tell(PersistStoredBodies.INSTANCE);
    }
    stored.add(p);
    storedKeys.add(bodyStored.key());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> persistStoredBodies() {
    if (stored.isEmpty()) {
      return Effect().noReply();
    }
    List<PendingEnvelope> batch = List.copyOf(stored.subList(0, Math.min(ENVELOPES_PER_WRITE, stored.size())));
    stored.subList(0, batch.size()).clear();
    if (!stored.isEmpty()) {
      context.getSelf().tell(PersistStoredBodies.INSTANCE); // runs once this write is done
    }
    for (PendingEnvelope p : batch) {
      storedKeys.remove(MessageKey.of(p.message()));
      takePending(MessageKey.of(p.message()));
    }
    List<Event> events = batch.stream().<Event>map(p -> new EnvelopeBuffered(p.message())).toList();
    long began = System.nanoTime();
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              journalWrites.record(System.nanoTime() - began, java.util.concurrent.TimeUnit.NANOSECONDS);
              // Watchers read after the write: a node registered before the event was persisted
              // gets the envelope pushed, so a socket misses nothing accepted after `authorized`.
              List<ActorRef<LiveEvent>> live = liveWatchers();
              long now = clock.millis();
              for (PendingEnvelope p : batch) {
                StoredMessage m = p.message();
                recent.addLast(new RecentStore(MessageKey.of(m), m.bodyKey(), now, new HashSet<>(live)));
                forgetOldRecent(); // bounded while nobody re-registers, too
                List<NotificationTarget> due = live.isEmpty() ? dueNotifications(s) : List.of();
                p.waiters().get(0).tell(StatusReply.success(new Buffered(BufferOutcome.STORED, m.storedAt(), live, due)));
                p.waiters().subList(1, p.waiters().size())
                    .forEach(w -> w.tell(StatusReply.success(new Buffered(BufferOutcome.DUPLICATE, m.storedAt()))));
              }
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onBodyStoreFailed(State state, BodyStoreFailed failed) {
    if (pendingAttempt(failed.key(), failed.attempt()) == null) {
      return Effect().noReply();
    }
    PendingEnvelope p = takePending(failed.key());
    context.getLog().warn("Envelope body write for mailbox {} failed: {}", address, failed.reason());
    p.waiters().forEach(w -> w.tell(StatusReply.error("storage unavailable, try again")));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onPendingTimedOut(State state, PendingTimedOut timedOut) {
    if (pendingAttempt(timedOut.key(), timedOut.attempt()) == null) {
      return Effect().noReply(); // settled meanwhile (or waiting in `stored` for its event)
    }
    PendingEnvelope p = takePending(timedOut.key());
    context.getLog().warn("Envelope body write for mailbox {} got no answer in {}", address, PENDING_TIMEOUT);
    p.waiters().forEach(w -> w.tell(StatusReply.error("storage unavailable, try again")));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onAcknowledge(State state, AcknowledgeMessages cmd) {
    List<StoredMessage> matched = new ArrayList<>();
    Set<MessageKey> seen = new HashSet<>();
    for (Ack ack : cmd.acks()) {
      MessageKey key = new MessageKey(ack.senderName(), ack.messageHash());
      StoredMessage m = state.message(key);
      if (m != null && seen.add(key)) {
        matched.add(m);
      }
    }
    if (matched.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new AcknowledgedMany(0)));
    }
    List<Event> events = new ArrayList<>();
    for (List<MessageKey> chunk : chunks(matched)) {
      events.add(new EnvelopesAcknowledged(chunk));
    }
    return Effect()
        .persist(events)
        .thenRun(s -> deleteBodies(matched.stream().map(StoredMessage::bodyKey).toList()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new AcknowledgedMany(matched.size())));
  }

  private ReplyEffect<Event, State> onPurge(State state, PurgeMessages cmd) {
    List<StoredMessage> all = state.messages();
    if (all.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Purged(0)));
    }
    List<Event> events = new ArrayList<>();
    for (List<MessageKey> chunk : chunks(all)) {
      events.add(new EnvelopesPurged(chunk));
    }
    List<String> bodyKeys = all.stream().map(StoredMessage::bodyKey).toList();
    return Effect()
        .persist(events)
        .thenRun(s -> deleteBodies(bodyKeys))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Purged(all.size())));
  }

  private static List<List<MessageKey>> chunks(List<StoredMessage> messages) {
    List<List<MessageKey>> chunks = new ArrayList<>();
    for (int from = 0; from < messages.size(); from += KEYS_PER_EVENT) {
      chunks.add(
          messages.subList(from, Math.min(messages.size(), from + KEYS_PER_EVENT)).stream()
              .map(MessageKey::of)
              .toList());
    }
    return chunks;
  }

  private ReplyEffect<Event, State> expire(State state) {
    List<StoredMessage> due =
        settings.messageTtl().isZero()
            ? List.of()
            : state.storedAtOrBefore(clock.millis() - settings.messageTtl().toMillis());
    if (due.isEmpty()) {
      return Effect().noReply();
    }
    List<Event> events = new ArrayList<>();
    for (List<MessageKey> chunk : chunks(due)) {
      events.add(new EnvelopesExpired(chunk));
    }
    List<String> bodyKeys = due.stream().map(StoredMessage::bodyKey).toList();
    return Effect().persist(events).thenRun(s -> deleteBodies(bodyKeys)).thenNoReply();
  }

  private ReplyEffect<Event, State> onListIncoming(State state, ListIncoming cmd) {
    List<StoredMessage> window =
        cmd.conversationId() == null
            ? state.incomingWindow(settings.listMaxConversations(), settings.listMaxPerConversation())
            : state.conversation(cmd.conversationId(), settings.listMaxPerConversation());
    return Effect()
        .reply(cmd.replyTo(), StatusReply.success(new Incoming(window.stream().map(StoredMessage::bodyKey).toList())));
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
            SpamFilterRulesSet.class,
            (state, e) -> {
              state.spamFilterRulesJson = e.spamFilterRulesJson();
              return state;
            })
        .onEvent(
            EnvelopeBuffered.class,
            (state, e) -> {
              state.add(e.message());
              return state;
            })
        .onEvent(
            EnvelopesAcknowledged.class,
            (state, e) -> {
              e.keys().forEach(state::remove);
              return state;
            })
        .onEvent(
            EnvelopesExpired.class,
            (state, e) -> {
              e.keys().forEach(state::remove);
              return state;
            })
        .onEvent(
            EnvelopesPurged.class,
            (state, e) -> {
              e.keys().forEach(state::remove);
              return state;
            })
        .onEvent(
            MessageAcknowledged.class,
            (state, e) -> {
              state.removeHashes(List.of(e.messageHash()));
              return state;
            })
        .onEvent(
            MessagesAcknowledged.class,
            (state, e) -> {
              state.removeHashes(e.messageHashes());
              return state;
            })
        .onEvent(
            MessagesExpired.class,
            (state, e) -> {
              state.removeHashes(e.messageHashes());
              return state;
            })
        .onEvent(
            GlobalNotificationsSet.class,
            (state, e) -> {
              state.notificationsOn = e.enabled();
              return state;
            })
        .onEvent(
            NotificationChannelAdded.class,
            (state, e) -> {
              state.channels.remove(e.type()); // a replaced channel goes to the end, as a new one
              state.channels.put(e.type(), new NotificationChannel(e.type(), e.recipientValue(), true, e.verified()));
              state.otps.remove(e.type());
              return state;
            })
        .onEvent(
            NotificationChannelEnabled.class,
            (state, e) -> {
              state.channels.computeIfPresent(
                  e.type(), (t, c) -> new NotificationChannel(t, c.recipientValue(), e.enabled(), c.verified()));
              return state;
            })
        .onEvent(
            NotificationChannelRemoved.class,
            (state, e) -> {
              state.channels.remove(e.type());
              state.otps.remove(e.type());
              return state;
            })
        .onEvent(
            OtpIssued.class,
            (state, e) -> {
              state.otps.put(e.type(), new OtpState(e.digest(), e.issuedAt(), 0));
              return state;
            })
        .onEvent(
            OtpRejected.class,
            (state, e) -> {
              state.otps.computeIfPresent(e.type(), (t, o) -> new OtpState(o.digest(), o.issuedAt(), o.wrongTries() + 1));
              return state;
            })
        .onEvent(
            NotificationChannelVerified.class,
            (state, e) -> {
              state.channels.computeIfPresent(
                  e.type(), (t, c) -> new NotificationChannel(t, c.recipientValue(), c.enabled(), true));
              state.otps.remove(e.type());
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
        return snapshotOf(state);
      }

      @Override
      public State fromJournal(Object from) {
        return stateOf(address, from);
      }
    };
  }

  static IndexSnapshot snapshotOf(State state) {
    Map<String, List<IndexEntry>> bySender = new LinkedHashMap<>();
    for (StoredMessage m : state.messages.values()) {
      String derived = bodyKey(m.senderName(), m.messageHash());
      bySender
          .computeIfAbsent(m.senderName(), k -> new ArrayList<>())
          .add(new IndexEntry(m.messageHash(), m.storedAt(), m.size(), m.bodyKey().equals(derived) ? null : m.bodyKey()));
    }
    List<SenderIndex> senders = new ArrayList<>(bySender.size());
    bySender.forEach((sender, entries) -> senders.add(new SenderIndex(sender, entries)));
    return new IndexSnapshot(state.signedProfileJson, state.spamFilterRulesJson, senders, state.notificationsSnapshot());
  }

  static State stateOf(String address, Object snapshot) {
    State state = new State();
    if (snapshot instanceof Snapshot legacy) {
      state.signedProfileJson = legacy.signedProfileJson();
      state.spamFilterRulesJson = legacy.spamFilterRulesJson();
      legacy.messages().forEach(state::add);
      return state;
    }
    IndexSnapshot s = (IndexSnapshot) snapshot;
    state.signedProfileJson = s.signedProfileJson();
    state.spamFilterRulesJson = s.spamFilterRulesJson();
    state.restore(s.notifications()); // null in snapshots of relays before notifications
    List<StoredMessage> all = new ArrayList<>();
    for (SenderIndex sender : s.senders()) {
      String conversation = conversationId(address, sender.senderName());
      for (IndexEntry e : sender.messages()) {
        all.add(
            new StoredMessage(
                conversation,
                sender.senderName(),
                e.messageHash(),
                e.storedAt(),
                e.size(),
                e.bodyKey() != null ? e.bodyKey() : bodyKey(sender.senderName(), e.messageHash())));
      }
    }
    all.sort(Comparator.comparingLong(StoredMessage::storedAt)); // back into store order
    all.forEach(state::add);
    return state;
  }
}
