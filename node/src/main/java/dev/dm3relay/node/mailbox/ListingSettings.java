package dev.dm3relay.node.mailbox;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How a node streams mailbox listings (fetches of the incoming envelopes), from {@code
 * dm3relay.mailbox.list}. Each listing keeps a few body reads in flight; these bound how many
 * listings run at once and how long one may take, so that no number of fetches can take the
 * driver's connections or the heap from submits.
 *
 * @param maxConcurrent listings streaming on this node at once; beyond it a fetch is answered 503
 * @param maxConcurrentPerMailbox listings of one mailbox at once
 * @param idleTimeout a listing whose client takes nothing for this long is aborted
 * @param timeout the longest a listing may stream
 */
public record ListingSettings(int maxConcurrent, int maxConcurrentPerMailbox, Duration idleTimeout, Duration timeout) {

  public ListingSettings {
    if (maxConcurrent < 1 || maxConcurrentPerMailbox < 1) {
      throw new IllegalArgumentException("listing limits must be positive");
    }
  }

  public static ListingSettings from(Config root) {
    Config c = root.getConfig("dm3relay.mailbox.list");
    return new ListingSettings(
        c.getInt("max-concurrent"),
        c.getInt("max-concurrent-per-mailbox"),
        c.getDuration("idle-timeout"),
        c.getDuration("timeout"));
  }

  /** The most body reads all listings of a node keep in flight together. */
  public int maxBodyReads() {
    return maxConcurrent * Mailboxes.READS_PER_LISTING;
  }
}
