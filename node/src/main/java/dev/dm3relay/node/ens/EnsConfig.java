package dev.dm3relay.node.ens;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How ENS resolution behaves once an {@code RPC} endpoint is configured.
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
 * @param allowPrivateGateways whether CCIP-read may fetch from loopback, private, link-local and
 *     other non-public addresses. Off by default: gateway URLs come from whoever deployed the
 *     resolver of a name a sender picked, so following them blindly would let anyone make the relay
 *     send requests into its own network.
 * @param lookupTimeout the longest one name lookup may take, gateways and their bodies included
 * @param failureTtl how long a lookup that failed (RPC or gateways unreachable, out of time) is
 *     answered as failed without trying again, so that a name whose gateway drips costs one slow
 *     lookup per interval, not one per request
 * @param gatewayRequestsPerLookup the most HTTP requests one name lookup sends to gateways (URLs,
 *     redirects and chained lookups together)
 * @param maxOutboundInFlight gateway and profile requests in flight per node; more fail at once
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
    int maxOutboundInFlight) {

  public static final String MAINNET_REGISTRY = "0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e";

  public EnsConfig {
    Objects.requireNonNull(registryAddress, "registryAddress");
    Objects.requireNonNull(positiveTtl, "positiveTtl");
    Objects.requireNonNull(negativeTtl, "negativeTtl");
    Objects.requireNonNull(rpcTimeout, "rpcTimeout");
    Objects.requireNonNull(gatewayTimeout, "gatewayTimeout");
    Objects.requireNonNull(lookupTimeout, "lookupTimeout");
    Objects.requireNonNull(failureTtl, "failureTtl");
    if (maxCacheEntries < 1 || maxGatewayResponseBytes < 1 || gatewayRequestsPerLookup < 1 || maxOutboundInFlight < 1) {
      throw new IllegalArgumentException("cache size, gateway reply limit and request limits must be positive");
    }
  }

  public static EnsConfig defaults() {
    return new EnsConfig(
        MAINNET_REGISTRY,
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        10_000,
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        512 * 1024,
        false,
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        4,
        64);
  }

  public EnsConfig withRegistry(String address) {
    return new EnsConfig(
        address,
        positiveTtl,
        negativeTtl,
        maxCacheEntries,
        rpcTimeout,
        gatewayTimeout,
        maxGatewayResponseBytes,
        allowPrivateGateways,
        lookupTimeout,
        failureTtl,
        gatewayRequestsPerLookup,
        maxOutboundInFlight);
  }

  public EnsConfig withTtls(Duration positive, Duration negative) {
    return new EnsConfig(
        registryAddress,
        positive,
        negative,
        maxCacheEntries,
        rpcTimeout,
        gatewayTimeout,
        maxGatewayResponseBytes,
        allowPrivateGateways,
        lookupTimeout,
        failureTtl,
        gatewayRequestsPerLookup,
        maxOutboundInFlight);
  }

  public EnsConfig withTimeouts(Duration rpc, Duration gateway) {
    return new EnsConfig(
        registryAddress,
        positiveTtl,
        negativeTtl,
        maxCacheEntries,
        rpc,
        gateway,
        maxGatewayResponseBytes,
        allowPrivateGateways,
        lookupTimeout,
        failureTtl,
        gatewayRequestsPerLookup,
        maxOutboundInFlight);
  }

  public EnsConfig withPrivateGateways(boolean allowed) {
    return new EnsConfig(
        registryAddress,
        positiveTtl,
        negativeTtl,
        maxCacheEntries,
        rpcTimeout,
        gatewayTimeout,
        maxGatewayResponseBytes,
        allowed,
        lookupTimeout,
        failureTtl,
        gatewayRequestsPerLookup,
        maxOutboundInFlight);
  }

  public EnsConfig withLookupLimits(Duration lookup, Duration failures, int gatewayRequests) {
    return new EnsConfig(
        registryAddress,
        positiveTtl,
        negativeTtl,
        maxCacheEntries,
        rpcTimeout,
        gatewayTimeout,
        maxGatewayResponseBytes,
        allowPrivateGateways,
        lookup,
        failures,
        gatewayRequests,
        maxOutboundInFlight);
  }

  /**
   * The defaults, overridden by {@code ENS_REGISTRY}, {@code ENS_CACHE_TTL_SECONDS}, {@code
   * ENS_NEGATIVE_CACHE_TTL_SECONDS}, {@code ENS_CACHE_SIZE}, {@code RPC_TIMEOUT_SECONDS} and {@code
   * CCIP_GATEWAY_TIMEOUT_SECONDS} and {@code CCIP_ALLOW_PRIVATE_GATEWAYS} ({@code true} or {@code
   * false}) where present and not blank.
   *
   * @throws IllegalArgumentException naming the variable whose value is not usable
   */
  public static EnsConfig fromEnvironment(Map<String, String> env) {
    EnsConfig d = defaults();
    return new EnsConfig(
        text(env, "ENS_REGISTRY", d.registryAddress()),
        seconds(env, "ENS_CACHE_TTL_SECONDS", d.positiveTtl()),
        seconds(env, "ENS_NEGATIVE_CACHE_TTL_SECONDS", d.negativeTtl()),
        (int) number(env, "ENS_CACHE_SIZE", d.maxCacheEntries(), 1, Integer.MAX_VALUE),
        seconds(env, "RPC_TIMEOUT_SECONDS", d.rpcTimeout()),
        seconds(env, "CCIP_GATEWAY_TIMEOUT_SECONDS", d.gatewayTimeout()),
        d.maxGatewayResponseBytes(),
        flag(env, "CCIP_ALLOW_PRIVATE_GATEWAYS", d.allowPrivateGateways()),
        seconds(env, "ENS_LOOKUP_TIMEOUT_SECONDS", d.lookupTimeout()),
        seconds(env, "ENS_FAILURE_CACHE_TTL_SECONDS", d.failureTtl()),
        d.gatewayRequestsPerLookup(),
        d.maxOutboundInFlight());
  }

  private static boolean flag(Map<String, String> env, String name, boolean fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false: " + value);
    };
  }

  private static String text(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static Duration seconds(Map<String, String> env, String name, Duration fallback) {
    return Duration.ofSeconds(number(env, name, fallback.toSeconds(), 0, 365L * 24 * 3600));
  }

  private static long number(
      Map<String, String> env, String name, long fallback, long min, long max) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ": " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a whole number: " + value, e);
    }
  }
}
