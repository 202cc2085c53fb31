package dev.dm3relay.node.ens;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * How ENS resolution behaves once an {@code RPC} endpoint is configured: {@code dm3relay.ens} in
 * ens.conf, each setting with an environment override.
 *
 * @param registryAddress the ENS registry; mainnet's unless the chain is a test chain
 * @param positiveTtl how long a name that resolved keeps its answer (the spec asks for a TTL where
 *     the reference caches forever)
 * @param negativeTtl how long a name that did not resolve stays unresolved, kept short so a fresh
 *     registration is seen soon
 * @param maxCacheEntries the most answers kept
 * @param rpcTimeout the longest one JSON-RPC request may take
 * @param gatewayTimeout the longest one CCIP-read gateway request may take
 * @param maxGatewayResponseBytes the largest gateway reply read; a larger one counts as a failed
 *     gateway
 * @param allowPrivateGateways whether CCIP-read (and profile links) may fetch from loopback,
 *     private, link-local and other non-public addresses. Off by default: gateway URLs come from
 *     whoever deployed the resolver of a name a sender picked, so following them blindly would let
 *     anyone make the relay send requests into its own network.
 * @param lookupTimeout the longest one name lookup may take, gateways and their bodies included
 * @param failureTtl how long a lookup that failed (RPC or gateways unreachable, out of time) is
 *     answered as failed without trying again, so that a name whose gateway drips costs one slow
 *     lookup per interval, not one per request
 * @param gatewayRequestsPerLookup the most HTTP requests one name lookup sends to gateways (URLs,
 *     redirects and chained lookups together)
 * @param maxOutboundInFlight gateway and profile requests in flight per node; more fail at once
 * @param maxLookupsInFlight name lookups running at once per node; more fail at once (a bulkhead:
 *     a slow RPC node or gateway cannot take every thread or request slot)
 * @param maxWaitersPerLookup requests that may wait on one lookup already running; more fail at
 *     once, so that many requests for one slow name cannot hold the node's request slots
 * @param maxRpcCallsInFlight JSON-RPC calls running at once per node, each on its own thread
 *     ({@link ChainReader}); more fail at once, so a slow RPC node cannot grow threads without limit
 */
public record EnsConfig(
    String registryAddress,
    Duration positiveTtl,
    Duration negativeTtl,
    int maxCacheEntries,
    Duration rpcTimeout,
    Duration gatewayTimeout,
    int maxGatewayResponseBytes,
    boolean allowPrivateGateways,
    Duration lookupTimeout,
    Duration failureTtl,
    int gatewayRequestsPerLookup,
    int maxOutboundInFlight,
    int maxLookupsInFlight,
    int maxWaitersPerLookup,
    int maxRpcCallsInFlight) {

  public static final String MAINNET_REGISTRY = "0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e";

  public EnsConfig {
    Objects.requireNonNull(registryAddress, "registryAddress");
    Objects.requireNonNull(positiveTtl, "positiveTtl");
    Objects.requireNonNull(negativeTtl, "negativeTtl");
    Objects.requireNonNull(rpcTimeout, "rpcTimeout");
    Objects.requireNonNull(gatewayTimeout, "gatewayTimeout");
    Objects.requireNonNull(lookupTimeout, "lookupTimeout");
    Objects.requireNonNull(failureTtl, "failureTtl");
    if (maxCacheEntries < 1
        || maxGatewayResponseBytes < 1
        || gatewayRequestsPerLookup < 1
        || maxOutboundInFlight < 1
        || maxLookupsInFlight < 1
        || maxWaitersPerLookup < 1
        || maxRpcCallsInFlight < 1) {
      throw new IllegalArgumentException("ENS cache size, reply limit and request limits must be positive");
    }
  }

  /** From {@code dm3relay.ens} (ens.conf); durations there are whole seconds, as the env names say. */
  public static EnsConfig from(Config root) {
    Config c = root.getConfig("dm3relay.ens");
    return new EnsConfig(
        c.getString("registry"),
        seconds(c, "cache-ttl-seconds"),
        seconds(c, "negative-cache-ttl-seconds"),
        c.getInt("cache-size"),
        seconds(c, "rpc-timeout-seconds"),
        seconds(c, "gateway-timeout-seconds"),
        (int) c.getBytes("max-gateway-response-bytes").longValue(),
        c.getBoolean("allow-private-gateways"),
        seconds(c, "lookup-timeout-seconds"),
        seconds(c, "failure-cache-ttl-seconds"),
        c.getInt("gateway-requests-per-lookup"),
        c.getInt("max-outbound-in-flight"),
        c.getInt("max-lookups-in-flight"),
        c.getInt("max-waiters-per-lookup"),
        c.getInt("max-rpc-calls-in-flight"));
  }

  private static Duration seconds(Config c, String path) {
    long value = c.getLong(path);
    if (value < 0) {
      throw new IllegalArgumentException("dm3relay.ens." + path + " must not be negative");
    }
    return Duration.ofSeconds(value);
  }

  public EnsConfig withRegistry(String address) {
    return new EnsConfig(address, positiveTtl, negativeTtl, maxCacheEntries, rpcTimeout, gatewayTimeout,
        maxGatewayResponseBytes, allowPrivateGateways, lookupTimeout, failureTtl, gatewayRequestsPerLookup,
        maxOutboundInFlight, maxLookupsInFlight, maxWaitersPerLookup, maxRpcCallsInFlight);
  }

  public EnsConfig withTtls(Duration positive, Duration negative) {
    return new EnsConfig(registryAddress, positive, negative, maxCacheEntries, rpcTimeout, gatewayTimeout,
        maxGatewayResponseBytes, allowPrivateGateways, lookupTimeout, failureTtl, gatewayRequestsPerLookup,
        maxOutboundInFlight, maxLookupsInFlight, maxWaitersPerLookup, maxRpcCallsInFlight);
  }

  public EnsConfig withTimeouts(Duration rpc, Duration gateway) {
    return new EnsConfig(registryAddress, positiveTtl, negativeTtl, maxCacheEntries, rpc, gateway,
        maxGatewayResponseBytes, allowPrivateGateways, lookupTimeout, failureTtl, gatewayRequestsPerLookup,
        maxOutboundInFlight, maxLookupsInFlight, maxWaitersPerLookup, maxRpcCallsInFlight);
  }

  public EnsConfig withPrivateGateways(boolean allowed) {
    return new EnsConfig(registryAddress, positiveTtl, negativeTtl, maxCacheEntries, rpcTimeout, gatewayTimeout,
        maxGatewayResponseBytes, allowed, lookupTimeout, failureTtl, gatewayRequestsPerLookup,
        maxOutboundInFlight, maxLookupsInFlight, maxWaitersPerLookup, maxRpcCallsInFlight);
  }

  public EnsConfig withLookupLimits(Duration lookup, Duration failures, int gatewayRequests) {
    return new EnsConfig(registryAddress, positiveTtl, negativeTtl, maxCacheEntries, rpcTimeout, gatewayTimeout,
        maxGatewayResponseBytes, allowPrivateGateways, lookup, failures, gatewayRequests,
        maxOutboundInFlight, maxLookupsInFlight, maxWaitersPerLookup, maxRpcCallsInFlight);
  }

  public EnsConfig withConcurrency(int lookupsInFlight, int waitersPerLookup) {
    return new EnsConfig(registryAddress, positiveTtl, negativeTtl, maxCacheEntries, rpcTimeout, gatewayTimeout,
        maxGatewayResponseBytes, allowPrivateGateways, lookupTimeout, failureTtl, gatewayRequestsPerLookup,
        maxOutboundInFlight, lookupsInFlight, waitersPerLookup, maxRpcCallsInFlight);
  }

  public EnsConfig withMaxRpcCallsInFlight(int calls) {
    return new EnsConfig(registryAddress, positiveTtl, negativeTtl, maxCacheEntries, rpcTimeout, gatewayTimeout,
        maxGatewayResponseBytes, allowPrivateGateways, lookupTimeout, failureTtl, gatewayRequestsPerLookup,
        maxOutboundInFlight, maxLookupsInFlight, maxWaitersPerLookup, calls);
  }

  public EnsConfig withMaxCacheEntries(int entries) {
    return new EnsConfig(registryAddress, positiveTtl, negativeTtl, entries, rpcTimeout, gatewayTimeout,
        maxGatewayResponseBytes, allowPrivateGateways, lookupTimeout, failureTtl, gatewayRequestsPerLookup,
        maxOutboundInFlight, maxLookupsInFlight, maxWaitersPerLookup, maxRpcCallsInFlight);
  }
}
