package dev.dm3relay.node.core;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Resolves dm3 names to the Ethereum address whose mailbox they share (§5.1 step 4, §6.2).
 * Implementations never fail the stage for an unknown name: that is an empty result. A failed
 * stage means the resolver itself is unavailable (the API answers 503 then, not 400).
 */
public interface NameResolver {

  /**
   * @param normalizedName a name already passed through {@code EnsNames.normalize}
   * @return the EIP-55 checksummed address, or empty when the name does not resolve
   */
  CompletionStage<Optional<String>> resolveAddress(String normalizedName);

  /** Whether names other than addresses and {@code <address>.addr.dm3.eth} can resolve at all. */
  boolean resolvesChainNames();

  /**
   * The ENS text record {@code key} of a name, such as {@code network.dm3.profile} (§6.3), with the
   * same empty/failed meaning as {@link #resolveAddress}. A resolver without a chain knows no
   * records, so by default every record is absent.
   */
  default CompletionStage<Optional<String>> text(String normalizedName, String key) {
    return CompletableFuture.completedFuture(Optional.empty());
  }
}
