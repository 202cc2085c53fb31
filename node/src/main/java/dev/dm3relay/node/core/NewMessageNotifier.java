package dev.dm3relay.node.core;

import java.util.List;

/**
 * Tells an offline receiver that mail is waiting. Called after the envelope is durable, from the
 * submit path: it must return at once and never fail the submit (the work is queued).
 */
@FunctionalInterface
public interface NewMessageNotifier {

  /**
   * @param address the receiver's mailbox (checksummed address)
   * @param senderName the sender's name as in the routing data (nameprep'd)
   * @param channels the channels the mailbox found due (never empty when called)
   */
  void newMessage(String address, String senderName, List<NotificationTarget> channels);

  NewMessageNotifier NONE = (address, sender, channels) -> {};
}
