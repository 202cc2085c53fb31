package dev.dm3relay.node.ens;

import dev.dm3relay.node.core.NameResolver;

import dev.dm3relay.node.core.SpamFilter;
import dev.dm3relay.node.core.Account;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
    return fromConfig(rpcUrlOrEmpty, config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** @param meters where an {@link EnsNameResolver} counts its lookups */
  public static NameResolver fromConfig(String rpcUrlOrEmpty, EnsConfig config, io.micrometer.core.instrument.MeterRegistry meters) {
    if (rpcUrlOrEmpty == null || rpcUrlOrEmpty.isBlank()) {
      // the same series on every relay, so dashboards work unchanged: a chainless one looks nothing up
      for (String result : new String[] {"cache_hit", "resolved", "not_found", "error"}) {
        meters.counter("dm3.relay.ens.lookups", "result", result);
      }
      return new ChainlessNameResolver();
    }
    return new EnsNameResolver(
        ChainReader.connect(rpcUrlOrEmpty.trim(), config.rpcTimeout(), config.maxRpcCallsInFlight()), config, meters);
  }

  /** The resolver {@code dm3relay.ens} (ens.conf) describes. */
  public static NameResolver from(com.typesafe.config.Config root) {
    return fromConfig(root.getString("dm3relay.ens.rpc"), EnsConfig.from(root));
  }

  public static NameResolver from(com.typesafe.config.Config root, io.micrometer.core.instrument.MeterRegistry meters) {
    return fromConfig(root.getString("dm3relay.ens.rpc"), EnsConfig.from(root), meters);
  }

  /**
   * The spam filter that goes with {@code names}: one reading the chain behind an {@link
   * EnsNameResolver}, judging each receiver by its own rules ({@link SpamRules#of}). Without a
   * chain, an account without rules admits everything and one with rules admits nothing, because
   * rules that cannot be checked are not met (and a chainless relay takes none: spam.SpamRuleSettings).
   */
  public static SpamFilter spamFilter(NameResolver names) {
    if (names instanceof EnsNameResolver ens) {
      return new ChainSpamFilter(ens, ens.chain(), SpamRules::of);
    }
    return (receiver, routing) ->
        CompletableFuture.completedFuture(SpamRules.of(receiver).map(SpamRules::isEmpty).orElse(true));
  }
}
