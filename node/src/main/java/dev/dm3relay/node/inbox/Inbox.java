package dev.dm3relay.node.inbox;

import dev.dm3relay.node.core.Account;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.node.mailbox.MailboxService.Listing;
import dev.dm3relay.protocol.ens.EnsNames;
import dev.dm3relay.protocol.ens.InvalidNameException;
import dev.dm3relay.protocol.model.Acknowledgement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The fetch and acknowledge use cases of an authorized account (§5.4, §5.5): its incoming
 * conversations, one conversation, and removing what the client acknowledges. The transport has
 * already checked the session; this owns what a valid request is. A failed stage means storage is
 * unavailable.
 */
public final class Inbox {

  /**
   * Hashes the relay accepts now are 66 characters, but envelopes stored before hashes were checked
   * may carry others (up to Cassandra's 64 KiB key limit, beyond which no body was ever stored), and
   * must stay acknowledgeable. Longer than this names nothing.
   */
  static final int MAX_ACK_HASH_LENGTH = 65_535;

  /** A stored sender name is at most this many UTF-8 bytes (the submit use case's limit). */
  static final int MAX_ACK_NAME_BYTES = 255;

  private final MailboxService mailboxes;
  private final Counter incomingFetches;
  private final Counter conversationFetches;
  private final Counter acknowledged;

  public Inbox(MailboxService mailboxes, MeterRegistry registry) {
    this.mailboxes = mailboxes;
    this.incomingFetches = registry.counter("dm3.relay.fetches", "kind", "incoming");
    this.conversationFetches = registry.counter("dm3.relay.fetches", "kind", "conversation");
    this.acknowledged = registry.counter("dm3.relay.acknowledged.messages");
  }

  /** How a fetch ended: a listing (streaming or busy), or a request that names nothing valid. */
  public sealed interface Fetch {
    record Listed(Listing listing) implements Fetch {}

    record Invalid(String reason) implements Fetch {}
  }

  /** How an acknowledgement ended. */
  public sealed interface Acknowledged {
    /** @param removed envelopes removed now; unknown ones are not an error (already gone, or never here) */
    record Done(int removed) implements Acknowledged {}

    record Invalid(String reason) implements Acknowledged {}
  }

  /** {@code GET /delivery/messages/incoming/:name}. */
  public CompletionStage<Fetch> incoming(Account account) {
    incomingFetches.increment();
    return mailboxes.incoming(account.address()).thenApply(Fetch.Listed::new);
  }

  /** {@code GET /delivery/messages/:name/contact/:contact}: the conversation with {@code rawContact}. */
  public CompletionStage<Fetch> conversation(Account account, String rawContact) {
    String contact;
    try {
      contact = EnsNames.normalize(rawContact);
    } catch (InvalidNameException e) {
      return done(new Fetch.Invalid("invalid name: " + e.getMessage()));
    }
    conversationFetches.increment();
    return mailboxes
        .conversation(account.address(), EnsNames.conversationId(account.address(), contact))
        .thenApply(Fetch.Listed::new);
  }

  /**
   * {@code POST /delivery/messages/:name/syncAcknowledgements}: every acknowledgement is checked
   * before any is applied, so a request with one bad entry removes nothing.
   */
  public CompletionStage<Acknowledged> acknowledge(Account account, List<Acknowledgement> acknowledgements) {
    List<MailboxService.Ack> acks = new ArrayList<>(acknowledgements.size());
    for (int i = 0; i < acknowledgements.size(); i++) {
      Acknowledgement ack = acknowledgements.get(i);
      String field = "acknowledgements[" + i + "]";
      if (ack.messageHash().length() > MAX_ACK_HASH_LENGTH) {
        return done(new Acknowledged.Invalid(field + ".messageHash: is longer than any message hash"));
      }
      String contact;
      try {
        contact = EnsNames.normalize(ack.contactAddress());
      } catch (InvalidNameException e) {
        return done(new Acknowledged.Invalid(field + ".contactAddress: is not a valid name: " + e.getMessage()));
      }
      if (contact.getBytes(StandardCharsets.UTF_8).length > MAX_ACK_NAME_BYTES) {
        return done(new Acknowledged.Invalid(field + ".contactAddress: is longer than any sender name"));
      }
      acks.add(new MailboxService.Ack(contact, ack.messageHash()));
    }
    return mailboxes
        .acknowledge(account.address(), acks)
        .thenApply(
            removed -> {
              acknowledged.increment(removed);
              return new Acknowledged.Done(removed);
            });
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
