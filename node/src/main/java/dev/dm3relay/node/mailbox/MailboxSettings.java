package dev.dm3relay.node.mailbox;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Limits and timings of every mailbox, from {@code dm3relay.mailbox} (mailbox.conf).
 *
 * @param messageTtl zero keeps messages until acknowledged
 */
public record MailboxSettings(
    int maxMessages,
    long maxBytes,
    Duration messageTtl,
    Duration expiryCheckInterval,
    int snapshotEvery,
    int listMaxConversations,
    int listMaxPerConversation,
    Duration askTimeout) {

  public static MailboxSettings from(Config root) {
    Config c = root.getConfig("dm3relay.mailbox");
    return new MailboxSettings(
        c.getInt("max-messages"),
        c.getBytes("max-bytes"),
        Duration.ofDays(c.getLong("message-ttl-days")),
        c.getDuration("expiry-check-interval"),
        c.getInt("snapshot-every"),
        c.getInt("list.max-conversations"),
        c.getInt("list.max-messages-per-conversation"),
        c.getDuration("ask-timeout"));
  }

  public static MailboxSettings defaults() {
    return new MailboxSettings(
        10_000, 100L * 1024 * 1024, Duration.ZERO, Duration.ofHours(1), 500, 101, 1001,
        Duration.ofSeconds(10));
  }

  public MailboxSettings withQuota(int messages, long bytes) {
    return new MailboxSettings(
        messages, bytes, messageTtl, expiryCheckInterval, snapshotEvery, listMaxConversations,
        listMaxPerConversation, askTimeout);
  }

  public MailboxSettings withMessageTtl(Duration ttl) {
    return new MailboxSettings(
        maxMessages, maxBytes, ttl, expiryCheckInterval, snapshotEvery, listMaxConversations,
        listMaxPerConversation, askTimeout);
  }

  public MailboxSettings withSnapshotEvery(int events) {
    return new MailboxSettings(
        maxMessages, maxBytes, messageTtl, expiryCheckInterval, events, listMaxConversations,
        listMaxPerConversation, askTimeout);
  }
}
