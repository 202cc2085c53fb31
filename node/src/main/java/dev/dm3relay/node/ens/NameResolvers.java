package dev.dm3relay.node.ens;

import dev.dm3relay.node.core.NameResolver;

import dev.dm3relay.node.core.SpamFilter;
import dev.dm3relay.node.core.Account;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Picks the relay's name resolver from its configuration: without an {@code RPC} endpoint only
 * names that carry their address resolve (issue 4, point 4); with one, every ENS name does.
 */
public final class NameResolvers {

  private NameResolvers() {}

  /**
   * The chainless resolver when {@code rpcUrlOrEmpty} is null or blank, otherwise an {@link
   * EnsNameResolver} over that JSON-RPC endpoint (which the caller closes on shutdown; it is {@link
   * AutoCloseable}). No request is made here: an endpoint that is down shows as failed lookups
   * later, not as a failed start.
   */
  public static NameResolver fromConfig(String rpcUrlOrEmpty, EnsConfig config) {
    if (rpcUrlOrEmpty == null || rpcUrlOrEmpty.isBlank()) {
      return new ChainlessNameResolver();
    }
    return new EnsNameResolver(
        ChainReader.connect(rpcUrlOrEmpty.trim(), config.rpcTimeout(), config.maxRpcCallsInFlight()), config);
  }

  /** The resolver {@code dm3relay.ens} (ens.conf) describes. */
  public static NameResolver from(com.typesafe.config.Config root) {
    return fromConfig(root.getString("dm3relay.ens.rpc"), EnsConfig.from(root));
  }

  /**
   * The spam filter that goes with {@code names}: one reading the chain behind an {@link
   * EnsNameResolver}. Without a chain, an account without rules admits everything and one with
   * rules admits nothing, because rules that cannot be checked are not met.
   */
  public static SpamFilter spamFilter(
      NameResolver names, Function<Account, Optional<SpamRules>> rulesOf) {
    if (names instanceof EnsNameResolver ens) {
      return new ChainSpamFilter(ens, ens.chain(), rulesOf);
    }
    return (receiver, routing) ->
        CompletableFuture.completedFuture(
            rulesOf.apply(receiver).map(SpamRules::isEmpty).orElse(true));
  }
}
