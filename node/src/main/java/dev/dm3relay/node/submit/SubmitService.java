package dev.dm3relay.node.submit;

import dev.dm3relay.node.core.SenderBlocklist;
import dev.dm3relay.node.core.SpamFilter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.dm3relay.node.core.DeliveryMetrics;
import dev.dm3relay.node.core.NewMessageNotifier;

import dev.dm3relay.node.submit.SubmitResult.Accepted;
import dev.dm3relay.node.submit.SubmitResult.Refusal;
import dev.dm3relay.node.submit.SubmitResult.Rejected;
import dev.dm3relay.node.core.NameResolver;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.node.core.Account;
import dev.dm3relay.node.mailbox.MailboxService.BufferedEnvelope;
import dev.dm3relay.node.ratelimit.RateLimits;
import dev.dm3relay.protocol.delivery.DeliveryService;
import dev.dm3relay.protocol.delivery.OpenedEnvelope;
import dev.dm3relay.protocol.delivery.SubmitRejectedException;
import dev.dm3relay.protocol.ens.EnsNames;
import dev.dm3relay.protocol.ens.InvalidNameException;
import dev.dm3relay.protocol.model.DeliveryInformation;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The submit use case (§5.1), the one path of {@code dm3_submitMessage} and the socket's {@code
 * submitMessage}: size, open the routing data, resolve the receiver, require a known account, spam
 * rules, postmark, durable buffer (which pushes to the receiver's live sockets), the new-message
 * notification of a receiver who is offline, and the count in the delivery metrics. A refusal is
 * a value that carries its dm3 error code; a failed stage means a part the pipeline depends on
 * (storage, the chain) is unavailable.
 */
public final class SubmitService {

  private final DeliveryService deliveryService;
  private final LongSupplier sizeLimit;
  private final NameResolver names;
  private final MailboxService mailboxes;
  private final SpamFilter spamFilter;
  private final NewMessageNotifier notifier;
  private final BooleanSupplier storageReachable;
  private final DeliveryMetrics metrics;
  private final SenderBlocklist blocklist;
  private final SubmitMeters meters;
  private final RateLimits rateLimits;
  private final Clock clock;

  public SubmitService(
      DeliveryService deliveryService,
      LongSupplier sizeLimit,
      NameResolver names,
      MailboxService mailboxes,
      SpamFilter spamFilter,
      NewMessageNotifier notifier,
      BooleanSupplier storageReachable,
      DeliveryMetrics metrics,
      SenderBlocklist blocklist,
      MeterRegistry registry,
      RateLimits rateLimits,
      Clock clock) {
    this.deliveryService = deliveryService;
    this.sizeLimit = sizeLimit;
    this.names = names;
    this.mailboxes = mailboxes;
    this.spamFilter = spamFilter;
    this.notifier = notifier;
    this.storageReachable = storageReachable;
    this.metrics = metrics;
    this.blocklist = blocklist;
    this.meters = new SubmitMeters(registry);
    this.rateLimits = rateLimits;
    this.clock = clock;
  }

  /**
   * Runs the pipeline and counts its end in {@code dm3_relay_submits_total{transport, outcome,
   * reason}} and {@code dm3_relay_submit_duration_seconds} (from here to the durable answer).
   */
  /** @param client the submitting client's address (as RateLimits keys it) */
  public CompletionStage<SubmitResult> submit(String envelopeJson, Transport transport, String client) {
    long began = System.nanoTime();
    CompletionStage<SubmitResult> result;
    try {
      result = pipeline(envelopeJson, client);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.whenComplete((r, failure) -> meters.record(transport, r, System.nanoTime() - began));
  }

  private CompletionStage<SubmitResult> pipeline(String envelopeJson, String client) {
    if (!storageReachable.getAsBoolean()) {
      // Fail at once while Cassandra is known to be down: a 200 could not be durable, and waiting
      // for each request's own timeout would pile up connections.
      return CompletableFuture.failedFuture(new StorageUnavailableException());
    }
    OpenedEnvelope opened;
    String receiverName;
    String senderName;
    try {
      opened = deliveryService.open(envelopeJson, sizeLimit.getAsLong());
    } catch (SubmitRejectedException e) {
      return done(new Rejected(refusalOf(e.reason()), e.getMessage()));
    }
    DeliveryInformation routing = opened.deliveryInformation();
    try {
      senderName = routingName(routing.from(), "from");
      receiverName = routingName(routing.to(), "to");
    } catch (IllegalArgumentException e) {
      return done(new Rejected(Refusal.INVALID_DELIVERY_INFORMATION, e.getMessage()));
    }
    // Keyed by the routing name as sent (not resolved: that would cost a chain read per flooded
    // envelope) and the client: the name is the sender's to choose, so a bucket per name alone
    // would let anyone exhaust someone else's (the flood-isolation bench showed it: a flood naming
    // an honest sender got that sender's submits refused). Per client and name, one client is
    // bounded in how fast it sends as one sender, and nobody else's sending is touched; the
    // per-client and per-mailbox limits bound a client that rotates names or addresses.
    long retryAfter = rateLimits.submit(client, senderName);
    if (retryAfter > 0) {
      return done(new Rejected(Refusal.RATE_LIMITED, RateLimits.REFUSAL, retryAfter));
    }
    return senderBlocked(senderName)
        .thenCompose(
            blocked ->
                blocked
                    ? done(new Rejected(Refusal.BLOCKED_SENDER, "this sender is blocked on this relay"))
                    : toReceiver(opened, routing, senderName, receiverName));
  }

  /**
   * Whether the sender's name resolves to an address the operator blocked. Nothing is looked up
   * while nothing is blocked; a sender whose name cannot be resolved now is not held back by it.
   */
  private CompletionStage<Boolean> senderBlocked(String senderName) {
    if (blocklist.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    return names
        .resolveAddress(senderName)
        .thenApply(address -> address.map(blocklist::blocks).orElse(false))
        .exceptionally(unresolvable -> false);
  }

  private CompletionStage<SubmitResult> toReceiver(
      OpenedEnvelope opened, DeliveryInformation routing, String senderName, String receiverName) {
    return names
        .resolveAddress(receiverName)
        .thenCompose(
            address -> {
              if (address.isEmpty()) {
                return done(new Rejected(Refusal.UNRESOLVABLE_RECEIVER, "unable to resolve receiver address" + chainHint()));
              }
              return deliver(opened, routing, senderName, address.get(), false);
            });
  }

  /**
   * Account, spam rules, stamp, buffer. The account comes from this node's cache when it has it
   * (one ask per submit: the buffer command); the mailbox refuses an envelope stamped for an
   * account it no longer has, and then it is read from the mailbox and stamped again, once.
   */
  private CompletionStage<SubmitResult> deliver(
      OpenedEnvelope opened, DeliveryInformation routing, String senderName, String address, boolean reread) {
    return (reread ? mailboxes.account(address) : mailboxes.recentAccount(address))
        .thenCompose(
            account -> {
              if (account.isEmpty()) {
                return done(new Rejected(Refusal.UNKNOWN_ACCOUNT, "unknown account"));
              }
              return spamFilter
                  .admits(account.get(), routing)
                  .thenCompose(
                      admitted ->
                          admitted
                              ? buffer(opened, account.get(), senderName)
                                  .thenCompose(
                                      result ->
                                          result != ACCOUNT_CHANGED
                                              ? done(result)
                                              : reread
                                                  // changed again between a fresh read and its buffer: a race
                                                  // with the account's owner, answered 503 (try again)
                                                  ? CompletableFuture.<SubmitResult>failedFuture(
                                                      new IllegalStateException("the receiver's account changed during the submit"))
                                                  : deliver(opened, routing, senderName, address, true))
                              // judged by cached rules: the receiver may have eased them since
                              : reread
                                  ? done(new Rejected(Refusal.SPAM, "Message does not match spam criteria"))
                                  : deliver(opened, routing, senderName, address, true));
            });
  }

  /** What {@link #buffer} answers when the mailbox's account is not the one it stamped for. */
  private static final SubmitResult ACCOUNT_CHANGED = new Rejected(Refusal.UNKNOWN_ACCOUNT, "the receiver's account changed");

  /**
   * The longest name taken in routing data, in UTF-8 bytes: a DNS name's limit. Names are kept in
   * every index entry of a mailbox, so their length bounds what one stranger's envelope costs there.
   */
  static final int MAX_NAME_BYTES = 255;

  /**
   * A routing name, nameprep'd, non-empty and within {@link #MAX_NAME_BYTES}.
   *
   * @throws IllegalArgumentException saying which field is wrong and why
   */
  static String routingName(String raw, String field) {
    String name;
    try {
      name = EnsNames.normalize(raw);
    } catch (InvalidNameException e) {
      throw new IllegalArgumentException("deliveryInformation." + field + " is not a valid name: " + e.getMessage());
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("deliveryInformation." + field + " is empty");
    }
    if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("deliveryInformation." + field + " is longer than " + MAX_NAME_BYTES + " bytes");
    }
    return name;
  }

  private CompletionStage<SubmitResult> buffer(OpenedEnvelope opened, Account receiver, String senderName) {
    byte[] receiverKey;
    try {
      receiverKey = Base64.getDecoder().decode(receiver.profile().profile().publicEncryptionKey());
      if (receiverKey.length != 32) {
        throw new IllegalArgumentException("not 32 bytes");
      }
    } catch (IllegalArgumentException e) {
      return done(new Rejected(Refusal.RECEIVER_KEY_INVALID, "the receiver's profile has no usable encryption key"));
    }
    long now = clock.millis();
    EncryptionEnvelope stored;
    try {
      stored = deliveryService.stamp(opened, now, receiverKey);
    } catch (IllegalArgumentException e) {
      // a low-order or otherwise unusable public key
      return done(new Rejected(Refusal.RECEIVER_KEY_INVALID, "the receiver's profile has no usable encryption key"));
    }
    String json = opened.canonicalOf(stored); // the message as escaped once, in open()
    String address = receiver.address();
    BufferedEnvelope buffered =
        new BufferedEnvelope(
            senderName,
            stored.metadata().messageHash(),
            stored.metadata().encryptedMessageHash(),
            json);
    return mailboxes
        .buffer(address, buffered, receiver)
        .thenApply(
            buffering ->
                switch (buffering.outcome()) {
                  case STORED -> {
                    if (!buffering.due().isEmpty()) {
                      notifyQuietly(address, senderName, buffering);
                    }
                    // the reference's CSV counts accepted messages: every transport's, duplicates not
                    metrics.submitted(opened.sizeBytes());
                    yield new Accepted(address, json, opened.sizeBytes(), false);
                  }
                  case ALREADY_STORED -> new Accepted(address, json, opened.sizeBytes(), true);
                  case MAILBOX_FULL -> new Rejected(Refusal.MAILBOX_FULL, "the receiver's mailbox is full");
                  case RATE_LIMITED -> {
                    rateLimits.refusedByMailbox();
                    // a per-second limit has a token back within a second
                    yield new Rejected(Refusal.RATE_LIMITED, RateLimits.REFUSAL, 1);
                  }
                  case SENDER_SHARE_FULL ->
                      new Rejected(
                          Refusal.SENDER_SHARE_FULL,
                          "this sender's envelopes already take its whole share of the receiver's mailbox");
                  case ACCOUNT_CHANGED -> ACCOUNT_CHANGED;
                });
  }

  /** A notification never changes the submit's answer: it is queued, and a failure to queue is logged only. */
  private void notifyQuietly(String address, String senderName, MailboxService.Buffering buffering) {
    try {
      notifier.newMessage(address, senderName, buffering.due());
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(SubmitService.class).warn("Queueing a new-message notification failed: {}", e.toString());
    }
  }

  private String chainHint() {
    return names.resolvesChainNames()
        ? ""
        : " (this relay has no Ethereum RPC configured: only addresses and <address>.addr.dm3.eth names resolve)";
  }

  /** Storage is known to be unreachable right now; the API answers 503. */
  public static final class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException() {
      super("Cassandra is unreachable", null, false, false);
    }
  }

  private static Refusal refusalOf(SubmitRejectedException.Reason reason) {
    return switch (reason) {
      case MALFORMED_JSON -> Refusal.MALFORMED_JSON;
      case INVALID_SCHEMA -> Refusal.INVALID_SCHEMA;
      case TOO_LARGE -> Refusal.TOO_LARGE;
      case CANNOT_DECRYPT -> Refusal.CANNOT_DECRYPT;
      case INVALID_DELIVERY_INFORMATION -> Refusal.INVALID_DELIVERY_INFORMATION;
      case MESSAGE_HASH_MISMATCH -> Refusal.MESSAGE_HASH_MISMATCH;
    };
  }

  private static CompletionStage<SubmitResult> done(SubmitResult result) {
    return CompletableFuture.completedFuture(result);
  }
}
