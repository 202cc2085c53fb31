package dev.dm3relay.node.ens;

import dev.dm3relay.node.core.NameResolver;

import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.ens.EnsNames;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Resolution without an Ethereum node: a bare address and {@code <address>.addr.dm3.eth} carry their
 * address in the name itself, which is all the reference messenger's default names need. Every
 * other name is unresolvable until an {@code RPC} endpoint is configured.
 */
public final class ChainlessNameResolver implements NameResolver {

  @Override
  public CompletionStage<Optional<String>> resolveAddress(String normalizedName) {
    return CompletableFuture.completedFuture(embedded(normalizedName));
  }

  /** The checksummed address a name carries in itself, if it does. */
  public static Optional<String> embedded(String normalizedName) {
    return EnsNames.embeddedAddress(normalizedName).map(Ethereum::checksumAddress);
  }

  @Override
  public boolean resolvesChainNames() {
    return false;
  }
}
