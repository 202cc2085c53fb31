package dev.dm3relay.node;

import dev.dm3relay.node.core.NameResolver;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names for the fast tier: {@code <address>.addr.dm3.eth} and bare addresses resolve as on a
 * chainless relay, other names as the test registers them.
 */
public final class FakeNames implements NameResolver {

  private final Map<String, String> registered = new ConcurrentHashMap<>();
  private final boolean chain;

  public FakeNames(boolean chain) {
    this.chain = chain;
  }

  public FakeNames register(String name, String address) {
    registered.put(name, address);
    return this;
  }

  @Override
  public CompletionStage<Optional<String>> resolveAddress(String normalizedName) {
    Optional<String> embedded = dev.dm3relay.node.ens.ChainlessNameResolver.embedded(normalizedName);
    return CompletableFuture.completedFuture(embedded.isPresent() ? embedded : Optional.ofNullable(registered.get(normalizedName)));
  }

  @Override
  public boolean resolvesChainNames() {
    return chain;
  }
}
