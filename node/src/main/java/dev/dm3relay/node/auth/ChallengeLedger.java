package dev.dm3relay.node.auth;

import java.util.concurrent.CompletionStage;

/**
 * Remembers which login challenges were used, so each one opens a session at most once — across
 * every node of the cluster (the reference lets a challenge be replayed for its 15 minutes).
 */
public interface ChallengeLedger {

  /**
   * Marks {@code challengeId} used. Completes with true for the first caller only; a failed stage
   * means the ledger is unavailable.
   *
   * @param forgetAfterSeconds how long the entry must be kept (the challenge's remaining lifetime)
   */
  CompletionStage<Boolean> useOnce(String challengeId, long forgetAfterSeconds);
}
