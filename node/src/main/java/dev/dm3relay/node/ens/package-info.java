/**
 * Names and the chain: resolving dm3 names to mailbox addresses and text records (§6.2, §6.3) and
 * reading the chain for the receivers' spam rules (§5.8).
 *
 * <p>{@link dev.dm3relay.node.ens.NameResolvers#from} picks the resolver from {@code dm3relay.ens}
 * (ens.conf, {@link dev.dm3relay.node.ens.EnsConfig}): without {@code RPC}, only bare addresses and
 * {@code <address>.addr.dm3.eth} resolve ({@link dev.dm3relay.node.ens.ChainlessNameResolver});
 * with {@code RPC} (an Ethereum JSON-RPC URL) every ENS name does ({@link
 * dev.dm3relay.node.ens.EnsNameResolver}: ENSIP-10 wildcards, EIP-3668 CCIP-read, a Caffeine cache
 * with one lookup shared by its concurrent callers). Every setting and its default is in ens.conf
 * and node/README.md.
 *
 * <p>Every lookup's stage has three outcomes: an answer, empty (the name or record does not
 * resolve: the API's 400), or failed with {@link dev.dm3relay.node.ens.ChainUnavailableException}
 * (the RPC endpoint or every gateway of a lookup could not be reached, or the lookup ran out of
 * time: the API's 503). A failure is remembered for {@code ENS_FAILURE_CACHE_TTL_SECONDS} (5 s),
 * so that a name whose gateway drips costs one slow lookup per interval and not one per request;
 * a refusal by the node's own limits ({@link dev.dm3relay.node.ens.ChainBusyException}, the
 * lookup bulkhead) is not remembered, since it says nothing about the name.
 *
 * <p>The tests run against a real ganache chain from {@code node/src/test/chain}; see {@code
 * TestChain}.
 */
package dev.dm3relay.node.ens;
