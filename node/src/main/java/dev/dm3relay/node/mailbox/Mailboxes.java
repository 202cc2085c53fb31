package dev.dm3relay.node.mailbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The relay's mailboxes: sharded {@link Mailbox} entities plus the body table, behind plain
 * CompletionStage methods for the API layer. Addresses are checksummed here, so callers may pass
 * any case.
 */
public final class Mailboxes {

  /** Body reads one listing keeps in flight: with the node's listing limit, the node's bound. */
  static final int READS_PER_LISTING = 4;

  private final ClusterSharding sharding;
  private final MailboxSettings settings;
  private final EnvelopeBodies bodies;
  /** The shard of an address as sharding computes it: the region is started without an extractor. */
  private final HashCodeMessageExtractor<Mailbox.Command> shardOf;
  /** The shards this node hosted at the last poll of its region ({@link #hostedShardsAre}). */
  private volatile Set<String> hostedShards = Set.of();
  private final Counter localBuffers;
  private final Counter remoteBuffers;

  private Mailboxes(ClusterSharding sharding, MailboxSettings settings, EnvelopeBodies bodies, int numberOfShards, MeterRegistry registry) {
    this.sharding = sharding;
    this.settings = settings;
    this.bodies = bodies;
    this.shardOf = new HashCodeMessageExtractor<>(numberOfShards);
    this.localBuffers = bufferCounter(registry, "local");
    this.remoteBuffers = bufferCounter(registry, "remote");
  }

  // What a cluster costs: a submit whose mailbox lives on another node crosses the network twice
  // (command and reply) and is serialized both ways; the share of those is what an operator sizes by.
  private static Counter bufferCounter(MeterRegistry registry, String location) {
    return Counter.builder("dm3.relay.mailbox.buffer.asks")
        .description("Submits' buffer commands by where the receiver's mailbox shard lives, as of this node's last shard poll (local: this node)")
        .tag("location", location)
        .register(registry);
  }

  /**
   * Tells which shards this node hosts now (the cluster meters poll the region every few seconds);
   * until the first poll every ask counts as remote.
   */
  public void hostedShardsAre(Set<String> shardIds) {
    hostedShards = Set.copyOf(shardIds);
  }

  /**
   * Starts the Mailbox shard region on this node; body and journal writes are timed in {@code
   * dm3_relay_store_write_duration_seconds{store="body|journal"}}.
   */
  public static Mailboxes init(
      ActorSystem<?> system, MailboxSettings settings, EnvelopeBodies bodies, Clock clock, MeterRegistry registry) {
    Timer journal = storeTimer(registry, "journal");
    EnvelopeBodies timed = new TimedEnvelopeBodies(bodies, storeTimer(registry, "body"));
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
            Mailbox.ENTITY_TYPE_KEY,
            ctx -> Mailbox.create(ctx.getEntityId(), settings, timed, clock, journal))
            // so that a stopping mailbox tells its live watchers to register with its next incarnation
            .withStopMessage(Mailbox.Stop.INSTANCE));
    return new Mailboxes(
        sharding, settings, timed, system.settings().config().getInt("pekko.cluster.sharding.number-of-shards"), registry);
  }

  private static Timer storeTimer(MeterRegistry registry, String store) {
    return Timer.builder("dm3.relay.store.write.duration")
        .description("Cassandra writes of the submit path: a body row, or a journal write of up to 100 index events")
        .tag("store", store)
        .publishPercentileHistogram()
        .minimumExpectedValue(java.time.Duration.ofMillis(1))
        .maximumExpectedValue(java.time.Duration.ofSeconds(10))
        .register(registry);
  }

  public MailboxSettings settings() {
    return settings;
  }

  public EntityRef<Mailbox.Command> mailbox(String address) {
    return sharding.entityRefFor(Mailbox.ENTITY_TYPE_KEY, MailboxAddress.checksummed(address));
  }

  public CompletionStage<Mailbox.RegistrationOutcome> registerProfile(
      String address, String signedProfileJson, Mailbox.Replace replace, String expectedCurrentJson) {
    return direct(mailbox(address)
            .<Mailbox.Registration>askWithStatus(
                r -> new Mailbox.RegisterProfile(signedProfileJson, replace, expectedCurrentJson, r), settings.askTimeout()))
        .thenApply(Mailbox.Registration::outcome);
  }

  public CompletionStage<Done> setSpamFilterRules(String address, String spamFilterRulesJson) {
    return direct(mailbox(address)
        .askWithStatus(r -> new Mailbox.SetSpamFilterRules(spamFilterRulesJson, r), settings.askTimeout()));
  }

  public CompletionStage<Mailbox.Stats> stats(String address) {
    return direct(mailbox(address).askWithStatus(Mailbox.GetStats::new, settings.askTimeout()));
  }

  public CompletionStage<Mailbox.Purged> purge(String address) {
    return direct(mailbox(address).askWithStatus(Mailbox.PurgeMessages::new, settings.askTimeout()));
  }

  public CompletionStage<Mailbox.Account> account(String address) {
    return direct(mailbox(address).askWithStatus(Mailbox.GetAccount::new, settings.askTimeout()));
  }

  /** As below, expecting no particular account (tests, tools). */
  public CompletionStage<Mailbox.Buffered> buffer(String address, IncomingEnvelope envelope) {
    return buffer(address, envelope, null, null);
  }

  /**
   * Completes once the envelope is durable (body and event) or refused; fails if storage fails.
   * The envelope was stamped for the account whose stored JSON is {@code expectedProfileJson} and
   * {@code expectedSpamRulesJson} (see {@link Mailbox.BufferEnvelope}).
   */
  public CompletionStage<Mailbox.Buffered> buffer(
      String address, IncomingEnvelope envelope, String expectedProfileJson, String expectedSpamRulesJson) {
    return bufferAt(MailboxAddress.checksummed(address), envelope, expectedProfileJson, expectedSpamRulesJson);
  }

  /** As above for an address checksummed already (the EIP-55 checksum is a Keccak per call). */
  CompletionStage<Mailbox.Buffered> bufferAt(
      String key, IncomingEnvelope envelope, String expectedProfileJson, String expectedSpamRulesJson) {
    (hostedShards.contains(shardOf.shardId(key)) ? localBuffers : remoteBuffers).increment();
    return direct(sharding.entityRefFor(Mailbox.ENTITY_TYPE_KEY, key)
        .askWithStatus(
            r -> new Mailbox.BufferEnvelope(envelope, expectedProfileJson, expectedSpamRulesJson, r), settings.askTimeout()));
  }

  // ---- notifications (§4.6) and live watchers

  public CompletionStage<Mailbox.NotificationSettings> notificationSettings(String address) {
    return direct(mailbox(address).askWithStatus(Mailbox.GetNotificationSettings::new, settings.askTimeout()));
  }

  public CompletionStage<Done> setGlobalNotifications(String address, boolean enabled) {
    return direct(mailbox(address).askWithStatus(r -> new Mailbox.SetGlobalNotifications(enabled, r), settings.askTimeout()));
  }

  public CompletionStage<Mailbox.OtpIssue> addNotificationChannel(
      String address, String type, String recipientValue, boolean verified, Mailbox.Otp otp, java.time.Duration resendInterval) {
    return direct(mailbox(address)
        .askWithStatus(
            r -> new Mailbox.AddNotificationChannel(type, recipientValue, verified, otp, resendInterval, r), settings.askTimeout()));
  }

  /** @return whether the account has a channel of this type */
  public CompletionStage<Boolean> setNotificationChannelEnabled(String address, String type, boolean enabled) {
    return direct(mailbox(address)
            .<Mailbox.ChannelChange>askWithStatus(
                r -> new Mailbox.SetNotificationChannelEnabled(type, enabled, r), settings.askTimeout()))
        .thenApply(Mailbox.ChannelChange::found);
  }

  /** @return whether a channel was removed */
  public CompletionStage<Boolean> removeNotificationChannel(String address, String type, String onlyIfRecipientValue) {
    return direct(mailbox(address)
            .<Mailbox.ChannelChange>askWithStatus(
                r -> new Mailbox.RemoveNotificationChannel(type, onlyIfRecipientValue, r), settings.askTimeout()))
        .thenApply(Mailbox.ChannelChange::found);
  }

  public CompletionStage<Mailbox.OtpIssue> issueOtp(String address, String type, Mailbox.Otp otp, java.time.Duration resendInterval) {
    return direct(mailbox(address).askWithStatus(r -> new Mailbox.IssueOtp(type, otp, resendInterval, r), settings.askTimeout()));
  }

  public CompletionStage<Mailbox.OtpCheck> verifyOtp(
      String address, String type, String digest, java.time.Duration validity, int maxTries) {
    return direct(mailbox(address)
        .askWithStatus(r -> new Mailbox.VerifyOtp(type, digest, validity, maxTries, r), settings.askTimeout()));
  }

  /** Completes once the mailbox will push its next envelopes to {@code watcher}. */
  /** See {@link Mailbox.WatchLive}; {@code resume} when the watcher was registered for the account before. */
  public CompletionStage<Done> watchLive(
      String address, org.apache.pekko.actor.typed.ActorRef<Mailbox.LiveEvent> watcher, boolean resume) {
    return direct(mailbox(address).askWithStatus(r -> new Mailbox.WatchLive(watcher, resume, r), settings.askTimeout()));
  }

  public void unwatchLive(String address, org.apache.pekko.actor.typed.ActorRef<Mailbox.LiveEvent> watcher) {
    mailbox(address).tell(new Mailbox.UnwatchLive(watcher));
  }

  /** Bytes of names and hashes one acknowledgement command carries at most: well inside Artery's 256 KiB frame. */
  static final int ACK_BYTES_PER_COMMAND = 128 * 1024;

  /**
   * A client's whole sync, in commands of at most {@link Mailbox#KEYS_PER_EVENT} acknowledgements
   * and {@value #ACK_BYTES_PER_COMMAND} bytes (each one journal write), one after another; returns
   * how many were removed.
   */
  public CompletionStage<Integer> acknowledgeAll(String address, List<Mailbox.Ack> acks) {
    EntityRef<Mailbox.Command> mailbox = mailbox(address);
    CompletionStage<Integer> removed = CompletableFuture.completedFuture(0);
    for (List<Mailbox.Ack> chunk : chunks(acks)) {
      removed =
          removed.thenCompose(
              sum ->
                  direct(mailbox.<Mailbox.AcknowledgedMany>askWithStatus(
                          r -> new Mailbox.AcknowledgeMessages(chunk, r), settings.askTimeout()))
                      .thenApply(many -> sum + many.removed()));
    }
    return removed;
  }

  static List<List<Mailbox.Ack>> chunks(List<Mailbox.Ack> acks) {
    List<List<Mailbox.Ack>> chunks = new ArrayList<>();
    List<Mailbox.Ack> chunk = new ArrayList<>();
    long bytes = 0;
    for (Mailbox.Ack ack : acks) {
      long size = 2L * (ack.senderName().length() + ack.messageHash().length()) + 16;
      if (!chunk.isEmpty() && (chunk.size() >= Mailbox.KEYS_PER_EVENT || bytes + size > ACK_BYTES_PER_COMMAND)) {
        chunks.add(List.copyOf(chunk));
        chunk.clear();
        bytes = 0;
      }
      chunk.add(ack);
      bytes += size;
    }
    if (!chunk.isEmpty()) {
      chunks.add(List.copyOf(chunk));
    }
    return chunks;
  }

  /**
   * The incoming window (dm3 reference: 101 conversations x 1001 messages, newest first), or one
   * conversation of it, as a stream of stored envelopes read from the body table while the stream
   * is consumed: {@value #READS_PER_LISTING} reads in flight, so a listing holds a few bodies in
   * memory however large the mailbox is. An index entry whose body is gone (expired by
   * Cassandra's TTL first) is left out.
   */
  public CompletionStage<Source<String, NotUsed>> listIncoming(String address, String conversationIdOrNull) {
    String mailbox = MailboxAddress.checksummed(address);
    return direct(mailbox(mailbox)
            .<Mailbox.Incoming>askWithStatus(r -> new Mailbox.ListIncoming(conversationIdOrNull, r), settings.askTimeout()))
        .thenApply(
            incoming ->
                Source.from(incoming.bodyKeys())
                    .mapAsync(READS_PER_LISTING, key -> bodies.readOne(mailbox, key))
                    .filter(Optional::isPresent)
                    .map(Optional::get));
  }

  /** The stored envelopes of the incoming window, read into a list (tests and small tools). */
  public CompletionStage<List<String>> listIncomingAll(String address, ActorSystem<?> system) {
    return listIncoming(address, null)
        .thenCompose(source -> source.runFold(new ArrayList<String>(), (list, json) -> {
          list.add(json);
          return list;
        }, system));
  }

  /**
   * The ask's result as a plain CompletableFuture whose callbacks run where the ask completes.
   * {@code askWithStatus} returns Scala's converted CompletableFuture, which turns every
   * thenApply/thenCompose into its async form on the JDK's default executor: a hop to another pool
   * per callback (and, with a common pool of parallelism 1, a new thread per callback; Main also
   * raises that parallelism). Measured with ops/bench on 2 cores.
   */
  static <T> CompletionStage<T> direct(CompletionStage<T> ask) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    ask.whenCompleteAsync(
        (value, failure) -> {
          if (failure != null) {
            plain.completeExceptionally(failure);
          } else {
            plain.complete(value);
          }
        },
        Runnable::run);
    return plain;
  }
}
