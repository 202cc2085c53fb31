package dev.dm3relay.node.mailbox;

import dev.dm3relay.protocol.model.ProfileExtension;
import dev.dm3relay.protocol.model.SignedUserProfile;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the delivery API needs from the mailboxes, keyed by checksummed address. A failed stage
 * means storage is unavailable (the API answers 503), never bad input: refusals are values.
 */
public interface MailboxService {

  /** The account registered for {@code address}, if any. */
  CompletionStage<Optional<Account>> account(String address);

  /** Registers or replaces the account's profile; completes once durable. */
  CompletionStage<Account> registerProfile(String address, SignedUserProfile profile, long nowMs);

  /** Buffers a stamped envelope; completes once the envelope is durable in Cassandra. */
  CompletionStage<BufferOutcome> buffer(String address, BufferedEnvelope envelope);

  /** Up to 101 conversations, newest activity first, each up to 1001 envelopes, newest first (§5.4). */
  CompletionStage<List<String>> incoming(String address);

  /** Up to 1001 envelopes of one conversation, newest first. */
  CompletionStage<List<String>> conversation(String address, String conversationId);

  /** Removes each acknowledged envelope; unknown ones are ignored. Returns how many were removed. */
  CompletionStage<Integer> acknowledge(String address, List<Ack> acknowledgements);

  /**
   * One acknowledgement: the client's {@code contactAddress} is the sender's name (normalised here);
   * {@code messageHash} is the hash the envelope's metadata carries, in either layout.
   */
  record Ack(String senderName, String messageHash) {}

  /**
   * A registered account: its signed profile and what the relay keeps with it.
   *
   * @param spamFilterRulesJson the reference's {@code spamFilterRules} object, or null when none are set
   */
  record Account(String address, SignedUserProfile profile, ProfileExtension extension, String spamFilterRulesJson) {}

  /**
   * A stamped envelope ready to buffer.
   *
   * @param conversationId lower(receiver address) + "," + nameprep(sender name)
   * @param senderName nameprep(deliveryInformation.from)
   * @param messageHash {@code metadata.messageHash}, or null in the npm 1.7.1 layout
   * @param encryptedMessageHash {@code metadata.encryptedMessageHash}, or null
   * @param storedAtMs the postmark's incoming timestamp
   * @param sizeBytes dm3's size of the submitted envelope
   * @param json the stored envelope's canonical JSON (postmark set, routing data opened)
   */
  record BufferedEnvelope(
      String conversationId,
      String senderName,
      String messageHash,
      String encryptedMessageHash,
      long storedAtMs,
      int sizeBytes,
      String json) {

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
    /** No profile is registered for the address. */
    UNKNOWN_ACCOUNT,
    /** The mailbox is at its message or byte quota. */
    MAILBOX_FULL
  }
}
