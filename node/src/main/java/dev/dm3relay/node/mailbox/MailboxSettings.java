package dev.dm3relay.node.mailbox;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;
import dev.dm3relay.node.ratelimit.RateLimit;
import dev.dm3relay.node.ratelimit.RateLimitSettings;

/**
 * Limits and timings of every mailbox, from {@code dm3relay.mailbox} (mailbox.conf).
 *
 * @param messageTtl zero keeps messages until acknowledged
 * @param perRecipient envelopes per second one mailbox takes (RATE_LIMIT_RECIPIENT); a token
 *     bucket of the entity, so it holds wherever in the cluster the mailbox lives
 * @param notificationMinInterval the least time between two new-message notifications of one
 *     channel (NOTIFICATION_MIN_INTERVAL): the mailbox decides, so it holds cluster-wide
 * @param maxSharePerSender the part of both quotas (0 &lt; share ≤ 1) one sender's envelopes may
 *     take, so that no stranger can fill someone's mailbox alone
 */
public record MailboxSettings(
    int maxMessages,
    long maxBytes,
    double maxSharePerSender,
    Duration messageTtl,
    Duration expiryCheckInterval,
    int snapshotEvery,
    int listMaxConversations,
    int listMaxPerConversation,
    Duration askTimeout,
    int accountCacheSize,
    Duration accountCacheExpiry,
    RateLimit perRecipient,
    Duration notificationMinInterval) {

  public MailboxSettings {
    if (maxMessages < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("MAILBOX_MAX_MESSAGES and MAILBOX_MAX_BYTES must be positive");
    }
    if (!(maxSharePerSender > 0 && maxSharePerSender <= 1)) {
      throw new IllegalArgumentException(
          "MAILBOX_MAX_SHARE_PER_SENDER must be above 0 and at most 1 (or 100%): " + maxSharePerSender);
    }
  }

  public static MailboxSettings from(Config root) {
    Config c = root.getConfig("dm3relay.mailbox");
    return new MailboxSettings(
        c.getInt("max-messages"),
        c.getBytes("max-bytes"),
        share(c.getString("max-share-per-sender")),
        // days, fractions allowed: a reference config.yml's messageTTL is in milliseconds
        Duration.ofMillis(Math.round(c.getDouble("message-ttl-days") * 86_400_000d)),
        c.getDuration("expiry-check-interval"),
        c.getInt("snapshot-every"),
        c.getInt("list.max-conversations"),
        c.getInt("list.max-messages-per-conversation"),
        c.getDuration("ask-timeout"),
        c.getInt("account-cache.size"),
        c.getDuration("account-cache.expire-after-access"),
        RateLimitSettings.recipient(root),
        root.getDuration("dm3relay.notifications.min-interval"));
  }

  /** {@code 0.1} or {@code 10%}. */
  static double share(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      return t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("MAILBOX_MAX_SHARE_PER_SENDER is not a fraction or a percentage: " + text, e);
    }
  }

  /** Envelopes one sender may have buffered here at once (at least one). */
  public int maxMessagesPerSender() {
    return (int) Math.max(1, Math.floor(maxMessages * maxSharePerSender));
  }

  /** Bytes one sender's buffered envelopes may take here at once. */
  public long maxBytesPerSender() {
    return (long) Math.max(1, Math.floor(maxBytes * maxSharePerSender));
  }

  public MailboxSettings withQuota(int messages, long bytes) {
    return new MailboxSettings(
        messages, bytes, maxSharePerSender, messageTtl, expiryCheckInterval, snapshotEvery, listMaxConversations,
        listMaxPerConversation, askTimeout, accountCacheSize, accountCacheExpiry, perRecipient, notificationMinInterval);
  }

  public MailboxSettings withMaxSharePerSender(double share) {
    return new MailboxSettings(
        maxMessages, maxBytes, share, messageTtl, expiryCheckInterval, snapshotEvery, listMaxConversations,
        listMaxPerConversation, askTimeout, accountCacheSize, accountCacheExpiry, perRecipient, notificationMinInterval);
  }

  public MailboxSettings withMessageTtl(Duration ttl) {
    return new MailboxSettings(
        maxMessages, maxBytes, maxSharePerSender, ttl, expiryCheckInterval, snapshotEvery, listMaxConversations,
        listMaxPerConversation, askTimeout, accountCacheSize, accountCacheExpiry, perRecipient, notificationMinInterval);
  }

  public MailboxSettings withSnapshotEvery(int events) {
    return new MailboxSettings(
        maxMessages, maxBytes, maxSharePerSender, messageTtl, expiryCheckInterval, events, listMaxConversations,
        listMaxPerConversation, askTimeout, accountCacheSize, accountCacheExpiry, perRecipient, notificationMinInterval);
  }

  public MailboxSettings withRecipientRate(RateLimit rate) {
    return new MailboxSettings(
        maxMessages, maxBytes, maxSharePerSender, messageTtl, expiryCheckInterval, snapshotEvery, listMaxConversations,
        listMaxPerConversation, askTimeout, accountCacheSize, accountCacheExpiry, rate, notificationMinInterval);
  }
}
