/**
 * Names and the chain: resolving dm3 names to mailbox addresses and text records (§6.2, §6.3) and
 * reading the chain for the receivers' spam rules (§5.8).
 *
 * <p>{@link dev.dm3relay.node.ens.NameResolvers#from} picks the resolver from {@code dm3relay.ens} (ens.conf): without {@code
 * RPC}, only bare addresses and {@code <address>.addr.dm3.eth} resolve ({@link
 * dev.dm3relay.node.ens.ChainlessNameResolver}); with {@code RPC} (an Ethereum JSON-RPC URL) every
 * ENS name does ({@link dev.dm3relay.node.ens.EnsNameResolver}: ENSIP-10 wildcards, EIP-3668
 * CCIP-read, a TTL cache). Optional settings: {@code ENS_REGISTRY} (default mainnet's
 * 0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e), {@code ENS_CACHE_TTL_SECONDS} (300), {@code
 * ENS_NEGATIVE_CACHE_TTL_SECONDS} (30), {@code ENS_CACHE_SIZE} (10000), {@code RPC_TIMEOUT_SECONDS}
 * (10), {@code CCIP_GATEWAY_TIMEOUT_SECONDS} (10), {@code CCIP_ALLOW_PRIVATE_GATEWAYS} (false:
 * CCIP-read gateways on loopback, private or link-local addresses are not fetched).
 *
 * <p>Every lookup's stage has three outcomes: an answer, empty (the name or record does not
 * resolve: the API's 400), or failed with {@link dev.dm3relay.node.ens.ChainUnavailableException}
 * (the RPC endpoint or every gateway of a lookup could not be reached: the API's 503). Failures are
 * never cached.
 *
 * <p>The tests run against a real ganache chain from {@code node/src/test/chain}; see {@code
 * TestChain}.
 */
package dev.dm3relay.node.ens;
