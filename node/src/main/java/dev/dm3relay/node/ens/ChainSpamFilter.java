package dev.dm3relay.node.ens;

import dev.dm3relay.node.core.NameResolver;

import dev.dm3relay.node.core.SpamFilter;
import dev.dm3relay.node.ens.ChainReader.CallOutcome;
import dev.dm3relay.node.core.Account;
import dev.dm3relay.protocol.ens.EnsNames;
import dev.dm3relay.protocol.ens.InvalidNameException;
import dev.dm3relay.protocol.model.DeliveryInformation;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The reference's spam rules (§5.8) read from the chain: the sender's nonce, ETH balance and one
 * ERC-20 balance, each compared with the receiver's minimum; all set rules must pass.
 *
 * <p>The sender is {@code deliveryInformation.from}, a name resolved through the relay's resolver.
 * A sender whose name does not resolve is refused whenever a rule is set (the reference's provider
 * throws there, and its submit fails). A token balance that cannot be read — the token reverts or
 * answers something other than one word — counts as 0, as in the reference; an RPC endpoint that
 * cannot be reached fails the stage for every rule, so an outage is never mistaken for a poor
 * sender.
 */
public final class ChainSpamFilter implements SpamFilter {

  private final NameResolver names;
  private final ChainReader chain;
  private final Function<Account, Optional<SpamRules>> rulesOf;

  /**
   * How long a sender's nonce, balance or token balance is taken as read. A flood of submits from
   * one sender to receivers with rules costs one read of each per minute instead of one per
   * submit; a sender who just funded an account waits at most this long to pass a rule. Failed
   * reads are not kept (the next submit asks again, within the chain's call bulkhead).
   */
  static final java.time.Duration READ_TTL = java.time.Duration.ofSeconds(60);

  /** Reads kept at most (least recently used forgotten first): a few MB at most. */
  static final int MAX_READS = 20_000;

  private final com.github.benmanes.caffeine.cache.AsyncCache<String, BigInteger> reads =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
          .maximumSize(MAX_READS)
          .expireAfterWrite(READ_TTL)
          .executor(Runnable::run)
          .buildAsync();

  public ChainSpamFilter(
      NameResolver names, ChainReader chain, Function<Account, Optional<SpamRules>> rulesOf) {
    this.names = Objects.requireNonNull(names, "names");
    this.chain = Objects.requireNonNull(chain, "chain");
    this.rulesOf = Objects.requireNonNull(rulesOf, "rulesOf");
  }

  @Override
  public CompletionStage<Boolean> admits(Account receiver, DeliveryInformation routing) {
    SpamRules rules = rulesOf.apply(receiver).orElse(SpamRules.NONE);
    if (rules.isEmpty()) {
      return CompletableFuture.completedFuture(true);
    }
    String sender;
    try {
      sender = EnsNames.normalize(routing.from());
    } catch (InvalidNameException e) {
      return CompletableFuture.completedFuture(false);
    }
    return names
        .resolveAddress(sender)
        .thenCompose(
            address ->
                address.isEmpty()
                    ? CompletableFuture.completedFuture(false)
                    : check(rules, address.get()));
  }

  private CompletionStage<Boolean> check(SpamRules rules, String sender) {
    CompletableFuture<Boolean> nonce =
        rules.minNonce() == null
            ? CompletableFuture.completedFuture(true)
            : read("nonce " + sender, () -> chain.transactionCount(sender))
                .thenApply(n -> atLeast(n, BigInteger.valueOf(rules.minNonce())));
    CompletableFuture<Boolean> balance =
        rules.minBalance() == null
            ? CompletableFuture.completedFuture(true)
            : read("balance " + sender, () -> chain.balance(sender))
                .thenApply(wei -> atLeast(wei, rules.minBalance()));
    CompletableFuture<Boolean> token =
        rules.minTokenBalance() == null
            ? CompletableFuture.completedFuture(true)
            : read(
                    "token " + rules.minTokenBalance().address() + " " + sender,
                    () -> tokenBalance(rules.minTokenBalance().address(), sender))
                .thenApply(units -> atLeast(units, rules.minTokenBalance().amount()));
    return CompletableFuture.allOf(nonce, balance, token)
        .thenApply(all -> nonce.join() && balance.join() && token.join());
  }

  private CompletableFuture<BigInteger> read(String key, java.util.function.Supplier<CompletionStage<BigInteger>> fetch) {
    return reads.get(key, (k, executor) -> fetch.get().toCompletableFuture());
  }

  /** Reads held now (for tests of the bound). */
  long cachedReads() {
    reads.synchronous().cleanUp();
    return reads.synchronous().estimatedSize();
  }

  /** ERC-20 {@code balanceOf(owner)}; 0 when the token does not answer with one word. */
  CompletionStage<BigInteger> tokenBalance(String token, String owner) {
    return chain
        .call(token, Abi.call(Abi.BALANCE_OF, Abi.address(owner)))
        .thenApply(
            outcome ->
                outcome instanceof CallOutcome.Returned returned
                        && returned.data().length == Abi.WORD
                    ? new BigInteger(1, returned.data())
                    : BigInteger.ZERO);
  }

  private static boolean atLeast(BigInteger actual, BigInteger minimum) {
    return actual.compareTo(minimum) >= 0;
  }
}
