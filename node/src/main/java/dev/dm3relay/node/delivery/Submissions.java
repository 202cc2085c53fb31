package dev.dm3relay.node.delivery;

import dev.dm3relay.node.delivery.SubmitResult.Accepted;
import dev.dm3relay.node.delivery.SubmitResult.Refusal;
import dev.dm3relay.node.delivery.SubmitResult.Rejected;
import dev.dm3relay.node.ens.NameResolver;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.node.mailbox.MailboxService.Account;
import dev.dm3relay.node.mailbox.MailboxService.BufferedEnvelope;
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
 * The submit pipeline of §5.1, shared by {@code dm3_submitMessage} and the socket's {@code
 * submitMessage}: size, open the routing data, resolve the receiver, require a known account, spam
 * rules, postmark, durable buffer, live push. A refusal is a value; a failed stage means a part the
 * pipeline depends on (storage, the chain) is unavailable.
 */
public final class Submissions {

  private final DeliveryService deliveryService;
  private final LongSupplier sizeLimit;
  private final NameResolver names;
  private final MailboxService mailboxes;
  private final SpamFilter spamFilter;
  private final LivePush livePush;
  private final BooleanSupplier storageReachable;
  private final Clock clock;

  public Submissions(
      DeliveryService deliveryService,
      LongSupplier sizeLimit,
      NameResolver names,
      MailboxService mailboxes,
      SpamFilter spamFilter,
      LivePush livePush,
      BooleanSupplier storageReachable,
      Clock clock) {
    this.deliveryService = deliveryService;
    this.sizeLimit = sizeLimit;
    this.names = names;
    this.mailboxes = mailboxes;
    this.spamFilter = spamFilter;
    this.livePush = livePush;
    this.storageReachable = storageReachable;
    this.clock = clock;
  }

  public CompletionStage<SubmitResult> submit(String envelopeJson) {
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
      senderName = EnsNames.normalize(routing.from());
    } catch (InvalidNameException e) {
      return done(new Rejected(Refusal.INVALID_DELIVERY_INFORMATION, "deliveryInformation.from is not a valid name: " + e.getMessage()));
    }
    try {
      receiverName = EnsNames.normalize(routing.to());
    } catch (InvalidNameException e) {
      return done(new Rejected(Refusal.UNRESOLVABLE_RECEIVER, "unable to resolve receiver address: " + e.getMessage()));
    }
    return names
        .resolveAddress(receiverName)
        .thenCompose(
            address -> {
              if (address.isEmpty()) {
                return done(new Rejected(Refusal.UNRESOLVABLE_RECEIVER, "unable to resolve receiver address"));
              }
              return mailboxes
                  .account(address.get())
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
                                        : done(new Rejected(Refusal.SPAM, "Message does not match spam criteria")));
                      });
            });
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
    String json = stored.canonical();
    String address = receiver.address();
    BufferedEnvelope buffered =
        new BufferedEnvelope(
            EnsNames.conversationId(address, senderName),
            senderName,
            stored.metadata().messageHash(),
            stored.metadata().encryptedMessageHash(),
            now,
            opened.sizeBytes(),
            json);
    return mailboxes
        .buffer(address, buffered)
        .thenApply(
            outcome ->
                switch (outcome) {
                  case STORED -> {
                    livePush.push(address, json);
                    yield new Accepted(address, json, opened.sizeBytes(), false);
                  }
                  case ALREADY_STORED -> new Accepted(address, json, opened.sizeBytes(), true);
                  case UNKNOWN_ACCOUNT -> new Rejected(Refusal.UNKNOWN_ACCOUNT, "unknown account");
                  case MAILBOX_FULL -> new Rejected(Refusal.MAILBOX_FULL, "the receiver's mailbox is full");
                });
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
    };
  }

  private static CompletionStage<SubmitResult> done(SubmitResult result) {
    return CompletableFuture.completedFuture(result);
  }
}
