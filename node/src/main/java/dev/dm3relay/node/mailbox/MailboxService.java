package dev.dm3relay.node.mailbox;

import dev.dm3relay.node.core.NotificationTarget;

import dev.dm3relay.node.core.Account;
import dev.dm3relay.protocol.model.SignedUserProfile;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What the delivery API needs from the mailboxes, keyed by checksummed address. A failed stage
 * means storage is unavailable (the API answers 503), never bad input: refusals are values.
 */
public interface MailboxService {

  /** The account registered for {@code address}, if any, as its mailbox holds it now. */
  CompletionStage<Optional<Account>> account(String address);

  /**
   * The account as this node last read it, without asking the mailbox when the node has it; else
   * as {@link #account}. For the submit path only: {@link #buffer} is refused with {@link
   * BufferOutcome#ACCOUNT_CHANGED} if the mailbox's account is no longer the one given.
   */
  CompletionStage<Optional<Account>> recentAccount(String address);

  /**
   * Registers the account's profile, or replaces it as {@code replace} allows; completes once
   * durable.
   *
   * @param expectedCurrent for {@link Mailbox.Replace#IF_CURRENT}: the profile the caller's proof
   *     was checked against, else null
   */
  CompletionStage<Mailbox.RegistrationOutcome> registerProfile(
      String address, SignedUserProfile profile, Mailbox.Replace replace, SignedUserProfile expectedCurrent);

  /** Replaces the account's spam rules (canonical JSON, or null for none); completes once durable. */
  CompletionStage<org.apache.pekko.Done> setSpamFilterRules(String address, String spamFilterRulesJson);

  /**
   * Buffers a stamped envelope; completes once the envelope is durable in Cassandra, or refused.
   * A stored envelope is pushed to the nodes that hold live sockets of the account.
   *
   * @param stampedFor the account the envelope was stamped and spam-checked with: if the mailbox's
   *     account differs now, nothing is stored and the outcome is {@link BufferOutcome#ACCOUNT_CHANGED}
   */
  CompletionStage<Buffering> buffer(String address, BufferedEnvelope envelope, Account stampedFor);

  /**
   * How a buffer request ended, and for a stored envelope the notifications it is due: none when
   * the receiver is online (a node watches its mailbox live) or was notified within the minimum
   * interval.
   */
  record Buffering(BufferOutcome outcome, List<NotificationTarget> due) {
    public Buffering {
      due = List.copyOf(due);
    }

    public static Buffering of(BufferOutcome outcome) {
      return new Buffering(outcome, List.of());
    }
  }

  /** Up to 101 conversations, newest activity first, each up to 1001 envelopes, newest first (§5.4). */
  CompletionStage<Listing> incoming(String address);

  /** Up to 1001 envelopes of one conversation, newest first. */
  CompletionStage<Listing> conversation(String address, String conversationId);

  /** What the operator sees of a mailbox; empty for an address with no registered account. */
  CompletionStage<Optional<MailboxStats>> stats(String address);

  /** Removes every buffered envelope of the address (the account stays); how many were removed. */
  CompletionStage<Integer> purge(String address);

  /**
   * @param address the checksummed address
   * @param oldestStoredAt the oldest buffered envelope's store time (ms), 0 when the mailbox is empty
   */
  record MailboxStats(String address, int messages, long bytes, long oldestStoredAt) {}

  /** Removes each acknowledged envelope; unknown ones are ignored. Returns how many were removed. */
  CompletionStage<Integer> acknowledge(String address, List<Ack> acknowledgements);

  /**
   * One acknowledgement: the client's {@code contactAddress} is the sender's name (normalised here);
   * {@code messageHash} is the hash the envelope's metadata carries, in either layout.
   */
  record Ack(String senderName, String messageHash) {}

  /**
   * A stamped envelope ready to buffer.
   *
   * @param senderName nameprep(deliveryInformation.from)
   * @param messageHash {@code metadata.messageHash}, or null in the npm 1.7.1 layout
   * @param encryptedMessageHash {@code metadata.encryptedMessageHash}, or null
   * @param json the stored envelope's canonical JSON (postmark set, routing data opened); the
   *     mailbox counts its UTF-8 bytes against the quota and keeps its own store time
   */
  record BufferedEnvelope(String senderName, String messageHash, String encryptedMessageHash, String json) {

    /** The hash acknowledgements name this envelope by: {@code messageHash}, else the 1.7.1 field. */
    public String ackHash() {
      return messageHash != null ? messageHash : encryptedMessageHash;
    }
  }

  /** How a buffer request ended. */
  enum BufferOutcome {
    /** Durable now. */
    STORED,
    /** The same envelope was buffered before and is still there: nothing was added. */
    ALREADY_STORED,
    /** The mailbox is at its message or byte quota. */
    MAILBOX_FULL,
    /** The sender's envelopes take their whole share of the receiver's quota. */
    SENDER_SHARE_FULL,
    /** The mailbox takes no more envelopes this second (RATE_LIMIT_RECIPIENT). */
    RATE_LIMITED,
    /** The account changed since the envelope was stamped: read it again and stamp again. */
    ACCOUNT_CHANGED
  }

  /** A listing of stored envelopes, or the node's answer that it streams too many already. */
  sealed interface Listing {
    /** The stored envelopes' JSON, read while the stream is consumed; run it exactly once. */
    record Streaming(Source<String, NotUsed> envelopes) implements Listing {}

    /** At the node's (or the mailbox's) limit of listings at once: come back in a moment. */
    record Busy() implements Listing {}
  }
}
