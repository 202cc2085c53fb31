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
            : chain
                .transactionCount(sender)
                .thenApply(n -> atLeast(n, BigInteger.valueOf(rules.minNonce())))
                .toCompletableFuture();
    CompletableFuture<Boolean> balance =
        rules.minBalance() == null
            ? CompletableFuture.completedFuture(true)
            : chain
                .balance(sender)
                .thenApply(wei -> atLeast(wei, rules.minBalance()))
                .toCompletableFuture();
    CompletableFuture<Boolean> token =
        rules.minTokenBalance() == null
            ? CompletableFuture.completedFuture(true)
            : tokenBalance(rules.minTokenBalance().address(), sender)
                .thenApply(units -> atLeast(units, rules.minTokenBalance().amount()))
                .toCompletableFuture();
    return CompletableFuture.allOf(nonce, balance, token)
        .thenApply(all -> nonce.join() && balance.join() && token.join());
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
