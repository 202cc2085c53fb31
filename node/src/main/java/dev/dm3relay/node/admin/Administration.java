package dev.dm3relay.node.admin;

import dev.dm3relay.node.blocklist.BlockedSenders;
import dev.dm3relay.node.cluster.ClusterStatus;
import dev.dm3relay.node.core.NameResolver;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.ens.EnsNames;
import dev.dm3relay.protocol.ens.InvalidNameException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What an operator may do through the admin API: look at a mailbox, purge its messages, block and
 * unblock senders for the whole cluster, and see the cluster. A mailbox is named by an address or
 * by any name that resolves to one.
 */
public final class Administration {

  private final NameResolver names;
  private final MailboxService mailboxes;
  private final BlockedSenders blocked;
  private final ClusterStatus cluster;

  public Administration(NameResolver names, MailboxService mailboxes, BlockedSenders blocked, ClusterStatus cluster) {
    this.names = names;
    this.mailboxes = mailboxes;
    this.blocked = blocked;
    this.cluster = cluster;
  }

  /** How a request about one target ended. */
  public sealed interface Result<T> {
    record Done<T>(T value) implements Result<T> {}

    /** The target is known to be no account here (or names no address). */
    record NotFound<T>(String why) implements Result<T> {}

    /** The target is not an address or a valid name. */
    record Invalid<T>(String why) implements Result<T> {}
  }

  public CompletionStage<Result<MailboxService.MailboxStats>> mailbox(String nameOrAddress) {
    return withAddress(
        nameOrAddress,
        address ->
            mailboxes
                .stats(address)
                .thenApply(
                    stats ->
                        stats.<Result<MailboxService.MailboxStats>>map(Result.Done::new)
                            .orElseGet(() -> new Result.NotFound<>("no account is registered for " + address))));
  }

  /** Removes every buffered message of a known account; the account stays. */
  public CompletionStage<Result<Integer>> purge(String nameOrAddress) {
    return withAddress(
        nameOrAddress,
        address ->
            mailboxes
                .stats(address)
                .thenCompose(
                    stats ->
                        stats.isEmpty()
                            ? done(new Result.NotFound<>("no account is registered for " + address))
                            : mailboxes.purge(address).thenApply(Result.Done::new)));
  }

  /** Blocks an address (not a name: a name's owner can point it elsewhere) on every node. */
  public CompletionStage<Result<String>> block(String address) {
    return withExactAddress(address, a -> blocked.block(a).thenApply(done -> new Result.Done<>(a)));
  }

  public CompletionStage<Result<String>> unblock(String address) {
    return withExactAddress(address, a -> blocked.unblock(a).thenApply(done -> new Result.Done<>(a)));
  }

  public CompletionStage<List<String>> blockedSenders() {
    return blocked.list();
  }

  public CompletionStage<List<ClusterStatus.Node>> cluster() {
    return cluster.nodes();
  }

  private <T> CompletionStage<Result<T>> withExactAddress(String raw, java.util.function.Function<String, CompletionStage<Result<T>>> then) {
    if (!Ethereum.isAddress(raw)) {
      return done(new Result.Invalid<>("not an Ethereum address: 0x and 40 hex digits"));
    }
    try {
      return then.apply(Ethereum.checksumAddress(raw));
    } catch (IllegalArgumentException e) {
      return done(new Result.Invalid<>(e.getMessage()));
    }
  }

  private <T> CompletionStage<Result<T>> withAddress(String raw, java.util.function.Function<String, CompletionStage<Result<T>>> then) {
    if (Ethereum.isAddress(raw)) {
      return withExactAddress(raw, then);
    }
    String name;
    try {
      name = EnsNames.normalize(raw);
    } catch (InvalidNameException e) {
      return done(new Result.Invalid<>("not an address or a valid name: " + e.getMessage()));
    }
    return names
        .resolveAddress(name)
        .thenCompose(
            address ->
                address.isEmpty()
                    ? done(new Result.NotFound<>(name + " resolves to no address"))
                    : then.apply(address.get()));
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

}
