package dev.dm3relay.node.core;

import dev.dm3relay.protocol.model.DeliveryInformation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The receiver's spam rules (§5.8), applied after the receiver is known and before anything is
 * stored. The rules (sender nonce, ETH balance, ERC-20 balance) need a chain; the receiver sets
 * them (spam.SpamRuleSettings), and an account without rules lets everything through.
 */
@FunctionalInterface
public interface SpamFilter {

  /** Completes with true when the envelope may be delivered. */
  CompletionStage<Boolean> admits(Account receiver, DeliveryInformation routing);

  SpamFilter NO_RULES = (receiver, routing) -> CompletableFuture.completedFuture(true);
}
