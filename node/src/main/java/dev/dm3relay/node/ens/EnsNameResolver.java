package dev.dm3relay.node.ens;

import dev.dm3relay.node.core.NameResolver;

import dev.dm3relay.node.ens.Abi.MalformedAbiException;
import dev.dm3relay.node.ens.ChainReader.CallOutcome;
import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.ens.EnsNames;
import dev.dm3relay.protocol.ens.InvalidNameException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ENS resolution as ethers v5 does it for the reference delivery service (§6.2), with a bounded
 * cache whose entries expire (answers after {@code positiveTtl}, "no such name" after the shorter
 * {@code negativeTtl}, failures after the still shorter {@code failureTtl}) in place of its
 * unbounded-lifetime LRU.
 *
 * <ul>
 *   <li>A bare address or {@code <address>.addr.dm3.eth} resolves from its spelling, without a
 *       call.
 *   <li>The resolver is the registry's {@code resolver(node)} of the name or, failing that, of the
 *       nearest parent that has one (ENSIP-10), never of the bare {@code eth} node. A parent's
 *       resolver counts only if it supports {@code resolve(bytes,bytes)} (0x9061b923).
 *   <li>A resolver supporting 0x9061b923 is always called through {@code resolve(dnsEncode(name),
 *       call)}; others are called directly.
 *   <li>Every resolver call follows EIP-3668 {@code OffchainLookup} reverts, up to {@value
 *       #MAX_OFFCHAIN_LOOKUPS} lookups per call.
 * </ul>
 *
 * <p>Outcomes: an empty answer means the name (or record) does not resolve, which includes a
 * resolver that reverts, answers garbage, names another contract as the lookup's sender, or whose
 * gateway answers 4xx. A failed stage ({@link ChainUnavailableException}) means the RPC endpoint or
 * every gateway of a lookup could not be reached, or the lookup ran out of its time or gateway
 * budget ({@link LookupBudget}); a failure is remembered only briefly. Unlike ethers, which turns a
 * failed registry read into "no resolver", an unreachable RPC here never reads as an unknown name.
 */
public final class EnsNameResolver implements NameResolver, AutoCloseable {

  /**
   * The most OffchainLookups one resolver call may chain. ethers 5.7.2 allows 10; real resolvers
   * use one, and each costs a gateway round trip, so the relay stops earlier.
   */
  public static final int MAX_OFFCHAIN_LOOKUPS = 4;

  private static final Logger log = LoggerFactory.getLogger(EnsNameResolver.class);

  private final ChainReader chain;
  private final io.micrometer.core.instrument.Counter cacheHits;
  private final io.micrometer.core.instrument.Counter resolved;
  private final io.micrometer.core.instrument.Counter notFound;
  private final io.micrometer.core.instrument.Counter failed;
  private final String registry;
  private final EnsConfig config;
  private final PublicHttp http;
  private final CcipGateway gateway;
  private final AsyncCache<String, Answer> cache;
  private final AtomicInteger lookupsInFlight = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> waiters = new ConcurrentHashMap<>();

  /**
   * A lookup's result as cached: a value (present or not), or the failure. A refusal of the
   * bulkhead is an answer too (Caffeine logs every failed load with a stack trace), one that
   * expires at once: it says nothing about the name.
   */
  private record Answer(Optional<String> value, Throwable failure, boolean refused) {
    Answer(Optional<String> value, Throwable failure) {
      this(value, failure, false);
    }
  }

  /** A resolver whose lookups are counted nowhere (tests). */
  public EnsNameResolver(ChainReader chain, EnsConfig config) {
    this(chain, config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** @param meters where {@code dm3_relay_ens_lookups_total{result}} counts every resolution asked for */
  public EnsNameResolver(ChainReader chain, EnsConfig config, io.micrometer.core.instrument.MeterRegistry meters) {
    this(chain, config, new PublicHttp(config.allowPrivateGateways(), config.maxOutboundInFlight()), System::nanoTime, meters);
  }

  EnsNameResolver(ChainReader chain, EnsConfig config, PublicHttp http, LongSupplier nanoTime) {
    this(chain, config, http, nanoTime, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  EnsNameResolver(
      ChainReader chain, EnsConfig config, PublicHttp http, LongSupplier nanoTime, io.micrometer.core.instrument.MeterRegistry meters) {
    this.cacheHits = meters.counter("dm3.relay.ens.lookups", "result", "cache_hit");
    this.resolved = meters.counter("dm3.relay.ens.lookups", "result", "resolved");
    this.notFound = meters.counter("dm3.relay.ens.lookups", "result", "not_found");
    this.failed = meters.counter("dm3.relay.ens.lookups", "result", "error");
    this.chain = chain;
    this.registry = Ethereum.checksumAddress(config.registryAddress());
    this.config = config;
    this.http = http;
    this.gateway = new CcipGateway(http, config.gatewayTimeout(), config.maxGatewayResponseBytes());
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(config.maxCacheEntries())
            .ticker(nanoTime::getAsLong)
            // bookkeeping where the call happens: no hop to the common pool per lookup
            .executor(Runnable::run)
            .expireAfter(
                new Expiry<String, Answer>() {
                  @Override
                  public long expireAfterCreate(String key, Answer answer, long now) {
                    if (answer.refused()) {
                      return 0;
                    }
                    Duration ttl =
                        answer.failure() != null
                            ? config.failureTtl()
                            : answer.value().isPresent() ? config.positiveTtl() : config.negativeTtl();
                    return ttl.toNanos();
                  }

                  @Override
                  public long expireAfterUpdate(String key, Answer answer, long now, long remaining) {
                    return expireAfterCreate(key, answer, now);
                  }

                  @Override
                  public long expireAfterRead(String key, Answer answer, long now, long remaining) {
                    return remaining;
                  }
                })
            .buildAsync();
  }

  /** Answers held now (for tests of the bound). */
  long cachedAnswers() {
    cache.synchronous().cleanUp();
    return cache.synchronous().estimatedSize();
  }

  /** The chain this resolver reads, for other reads that should share its connection. */
  public ChainReader chain() {
    return chain;
  }

  /** The guarded HTTP client of this resolver's gateways, for profile links to share. */
  public PublicHttp http() {
    return http;
  }

  @Override
  public CompletionStage<Optional<String>> resolveAddress(String normalizedName) {
    Optional<String> embedded = ChainlessNameResolver.embedded(normalizedName);
    if (embedded.isPresent()) {
      return CompletableFuture.completedFuture(embedded);
    }
    return cached("addr\u0000" + normalizedName, budget -> lookupAddress(normalizedName, budget));
  }

  /**
   * The text record {@code key} of a name (for example {@code network.dm3.profile}), resolved the
   * same way as its address. An empty record is no record, as for ethers.
   */
  @Override
  public CompletionStage<Optional<String>> text(String normalizedName, String key) {
    return cached(
        "text\u0000" + normalizedName + "\u0000" + key, budget -> lookupText(normalizedName, key, budget));
  }

  /**
   * The cached answer, or one lookup shared by every concurrent caller, with its own gateway budget
   * and a deadline over the whole lookup.
   */
  private CompletionStage<Optional<String>> cached(
      String key, Function<LookupBudget, CompletionStage<Optional<String>>> lookup) {
    CompletableFuture<Answer> known = cache.getIfPresent(key);
    if (known != null && known.isDone() && !known.isCompletedExceptionally()) {
      cacheHits.increment();
      return unwrap(known.join());
    }
    return counted(lookedUp(key, lookup));
  }

  /** Counts how a resolution that was not a finished cache entry ended. */
  private CompletionStage<Optional<String>> counted(CompletionStage<Optional<String>> answer) {
    return answer.whenComplete(
        (value, failure) -> (failure != null ? failed : value.isPresent() ? resolved : notFound).increment());
  }

  private CompletionStage<Optional<String>> lookedUp(
      String key, Function<LookupBudget, CompletionStage<Optional<String>>> lookup) {
    CompletableFuture<Answer> running = cache.getIfPresent(key);
    if (running != null && !running.isDone()) {
      // A lookup of this name is under way: wait for it, but only a few requests may. Each waiter
      // holds a request slot, and a name whose gateway drips must not gather all of them.
      AtomicInteger count = waiters.computeIfAbsent(key, k -> new AtomicInteger());
      if (count.incrementAndGet() > config.maxWaitersPerLookup()) {
        release(key, count);
        return CompletableFuture.failedFuture(
            new ChainUnavailableException("a lookup of this name is under way; try again in a moment"));
      }
      return running.whenComplete((a, f) -> release(key, count)).thenCompose(EnsNameResolver::unwrap);
    }
    return cache
        .get(
            key,
            (k, executor) -> {
              if (lookupsInFlight.incrementAndGet() > config.maxLookupsInFlight()) {
                lookupsInFlight.decrementAndGet();
                return CompletableFuture.completedFuture(
                    new Answer(
                        Optional.empty(),
                        new ChainUnavailableException("too many name lookups in flight; try again in a moment"),
                        true));
              }
              CompletionStage<Optional<String>> started;
              try {
                started = lookup.apply(new LookupBudget(config.gatewayRequestsPerLookup(), config.lookupTimeout()));
              } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
              }
              return started
                  .toCompletableFuture()
                  .orTimeout(config.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS)
                  .handle(
                      (value, failure) -> {
                        if (failure == null) {
                          return new Answer(value, null);
                        }
                        ChainUnavailableException why = unavailable(failure);
                        // the node's own RPC limit says nothing about the name: not remembered
                        return new Answer(Optional.empty(), why, why instanceof ChainBusyException);
                      })
                  .whenComplete((a, f) -> lookupsInFlight.decrementAndGet());
            })
        .thenCompose(EnsNameResolver::unwrap);
  }

  private void release(String key, AtomicInteger count) {
    if (count.decrementAndGet() <= 0) {
      waiters.remove(key, count);
    }
  }

  private static CompletionStage<Optional<String>> unwrap(Answer answer) {
    return answer.failure() != null
        ? CompletableFuture.failedFuture(answer.failure())
        : CompletableFuture.completedFuture(answer.value());
  }

  private static ChainUnavailableException unavailable(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof ChainUnavailableException unavailable) {
      return unavailable;
    }
    if (cause instanceof TimeoutException) {
      return new ChainUnavailableException("the name lookup took longer than its deadline");
    }
    return new ChainUnavailableException("the name lookup failed: " + cause);
  }

  @Override
  public boolean resolvesChainNames() {
    return true;
  }

  @Override
  public void close() {
    chain.close();
    http.close();
  }

  private CompletionStage<Optional<String>> lookupAddress(String name, LookupBudget budget) {
    return resolverOf(name, budget)
        .thenCompose(
            resolver ->
                resolver.isEmpty()
                    ? done(Optional.<byte[]>empty())
                    : callResolver(
                        resolver.get(),
                        name,
                        Abi.call(Abi.ADDR, Abi.word(EnsNames.namehash(name))),
                        budget))
        .thenApply(answer -> answer.flatMap(EnsNameResolver::address));
  }

  private CompletionStage<Optional<String>> lookupText(String name, String key, LookupBudget budget) {
    return resolverOf(name, budget)
        .thenCompose(
            resolver ->
                resolver.isEmpty()
                    ? done(Optional.<byte[]>empty())
                    : callResolver(
                        resolver.get(),
                        name,
                        Abi.call(Abi.TEXT, Abi.word(EnsNames.namehash(name)), Abi.string(key)),
                        budget))
        .thenApply(answer -> answer.flatMap(EnsNameResolver::text));
  }

  /** A resolver contract and whether it takes ENSIP-10 {@code resolve(bytes,bytes)}. */
  record Resolver(String address, boolean wildcard) {}

  /** The resolver for {@code name}, walking up to parents as ENSIP-10 and ethers v5 do. */
  CompletionStage<Optional<Resolver>> resolverOf(String name, LookupBudget budget) {
    try {
      EnsNames.namehash(name); // rejects empty labels before any call is made
    } catch (InvalidNameException e) {
      return done(Optional.empty());
    }
    return walk(name, name, budget);
  }

  /**
   * An {@code eth_call} of this lookup, refused once the lookup is out of time: its deadline has
   * already answered the callers, and a name with many labels must not go on calling the RPC node
   * after the lookup's slot was given back.
   */
  private CompletionStage<CallOutcome> call(String to, byte[] data, LookupBudget budget) {
    if (budget.remaining().isNegative()) {
      return CompletableFuture.failedFuture(new ChainUnavailableException("the name lookup ran out of time"));
    }
    return chain.call(to, data);
  }

  private CompletionStage<Optional<Resolver>> walk(String name, String current, LookupBudget budget) {
    if (current.isEmpty() || current.equals(".")) {
      return done(Optional.empty());
    }
    // The eth node never has a wildcard resolver; ethers stops here and so do we.
    if (!name.equals("eth") && current.equals("eth")) {
      return done(Optional.empty());
    }
    return registryResolver(current, budget)
        .thenCompose(
            found -> {
              if (found.isEmpty()) {
                int dot = current.indexOf('.');
                return walk(name, dot < 0 ? "" : current.substring(dot + 1), budget);
              }
              String address = found.get();
              return supportsWildcard(address, budget)
                  .thenApply(
                      wildcard -> {
                        if (!current.equals(name) && !wildcard) {
                          // A legacy resolver of a parent knows nothing of its children's names.
                          return Optional.<Resolver>empty();
                        }
                        return Optional.of(new Resolver(address, wildcard));
                      });
            });
  }

  private CompletionStage<Optional<String>> registryResolver(String name, LookupBudget budget) {
    byte[] call = Abi.call(Abi.RESOLVER, Abi.word(EnsNames.namehash(name)));
    return call(registry, call, budget)
        .thenApply(
            outcome -> {
              if (outcome instanceof CallOutcome.Returned returned) {
                if (returned.data().length == 0) {
                  // No code there: the endpoint is a chain without this registry, which is a
                  // configuration error, not a world in which no name resolves (ethers throws too).
                  throw new ChainUnavailableException(
                      "no ENS registry at " + registry + " on the RPC endpoint's chain");
                }
                return returned.data().length == Abi.WORD
                    ? address(returned.data())
                    : Optional.<String>empty();
              }
              return Optional.<String>empty();
            });
  }

  private CompletionStage<Boolean> supportsWildcard(String resolver, LookupBudget budget) {
    byte[] call = Abi.call(Abi.SUPPORTS_INTERFACE, Abi.bytes4(Abi.RESOLVE));
    return call(resolver, call, budget)
        .thenApply(
            outcome ->
                outcome instanceof CallOutcome.Returned returned
                    && returned.data().length == Abi.WORD
                    && new BigInteger(1, returned.data()).equals(BigInteger.ONE));
  }

  /**
   * Calls {@code innerCall} on the resolver, through {@code resolve(bytes,bytes)} where it takes
   * that.
   */
  private CompletionStage<Optional<byte[]>> callResolver(
      Resolver resolver, String name, byte[] innerCall, LookupBudget budget) {
    if (!resolver.wildcard()) {
      return callFollowingLookups(resolver.address(), innerCall, 0, budget);
    }
    byte[] dnsName;
    try {
      dnsName = EnsNames.dnsEncode(name);
    } catch (InvalidNameException e) {
      // A label over 63 bytes has no DNS form, so an ENSIP-10 resolver cannot be asked (ethers
      // throws).
      return done(Optional.empty());
    }
    byte[] call = Abi.call(Abi.RESOLVE, Abi.bytes(dnsName), Abi.bytes(innerCall));
    return callFollowingLookups(resolver.address(), call, 0, budget)
        .thenApply(
            answer ->
                answer.flatMap(
                    data ->
                        decode(data, reader -> reader.bytes(0), "resolve(bytes,bytes) result")));
  }

  /**
   * {@code eth_call} with EIP-3668: an {@code OffchainLookup} revert is answered from the gateways
   * and the resolver's callback is called with the answer, which may itself revert with another
   * lookup. Empty when the call reverts otherwise or the lookup is not to be followed.
   */
  private CompletionStage<Optional<byte[]>> callFollowingLookups(
      String to, byte[] data, int lookups, LookupBudget budget) {
    return call(to, data, budget)
        .thenCompose(
            outcome -> {
              if (outcome instanceof CallOutcome.Returned returned) {
                return done(Optional.of(returned.data()));
              }
              byte[] revert = ((CallOutcome.Reverted) outcome).data();
              if (!Abi.startsWith(revert, Abi.OFFCHAIN_LOOKUP) || revert.length % Abi.WORD != 4) {
                return done(Optional.<byte[]>empty());
              }
              OffchainLookup lookup;
              try {
                lookup = OffchainLookup.decode(Arrays.copyOfRange(revert, 4, revert.length));
              } catch (MalformedAbiException e) {
                log.debug(
                    "resolver {} reverted with a malformed OffchainLookup: {}", to, e.getMessage());
                return done(Optional.<byte[]>empty());
              }
              // EIP-3668: a lookup raised on behalf of another contract must not be followed.
              if (!lookup.sender().equalsIgnoreCase(to)) {
                log.debug(
                    "resolver {} raised an OffchainLookup for sender {}", to, lookup.sender());
                return done(Optional.<byte[]>empty());
              }
              if (lookups >= MAX_OFFCHAIN_LOOKUPS) {
                log.debug(
                    "resolver {} asked for more than {} OffchainLookups", to, MAX_OFFCHAIN_LOOKUPS);
                return done(Optional.<byte[]>empty());
              }
              return gateway
                  .fetch(lookup.urls(), lookup.sender(), lookup.callData(), budget)
                  .thenCompose(
                      answer -> {
                        if (answer instanceof CcipGateway.Answer.NotFound notFound) {
                          log.debug("CCIP-read for {}: {}", to, notFound.reason());
                          return done(Optional.<byte[]>empty());
                        }
                        byte[] response = ((CcipGateway.Answer.Data) answer).data();
                        byte[] callback =
                            Abi.call(
                                lookup.callbackFunction(),
                                Abi.bytes(response),
                                Abi.bytes(lookup.extraData()));
                        return callFollowingLookups(to, callback, lookups + 1, budget);
                      });
            });
  }

  /** The arguments of an {@code OffchainLookup(address,string[],bytes,bytes4,bytes)} revert. */
  record OffchainLookup(
      String sender,
      List<String> urls,
      byte[] callData,
      byte[] callbackFunction,
      byte[] extraData) {
    static OffchainLookup decode(byte[] arguments) {
      Abi.Reader reader = new Abi.Reader(arguments);
      return new OffchainLookup(
          reader.address(0),
          reader.stringArray(1),
          reader.bytes(2),
          reader.bytes4(3),
          reader.bytes(4));
    }
  }

  /** An {@code address} return value, as ethers reads it: exactly one word; zero is no address. */
  private static Optional<String> address(byte[] data) {
    if (data.length != Abi.WORD) {
      return Optional.empty();
    }
    for (int i = 0; i < 12; i++) {
      if (data[i] != 0) {
        return Optional.empty();
      }
    }
    byte[] raw = Arrays.copyOfRange(data, 12, Abi.WORD);
    if (new BigInteger(1, raw).signum() == 0) {
      return Optional.empty();
    }
    return Optional.of(Ethereum.checksumAddress(Hex.prefixed(raw)));
  }

  private static Optional<String> text(byte[] data) {
    if (data.length == 0) {
      return Optional.empty();
    }
    return decode(data, reader -> reader.string(0), "text record")
        .filter(value -> !value.isEmpty());
  }

  private static <T> Optional<T> decode(byte[] data, Function<Abi.Reader, T> read, String what) {
    try {
      return Optional.of(read.apply(new Abi.Reader(data)));
    } catch (MalformedAbiException e) {
      log.debug("malformed {}: {}", what, e.getMessage());
      return Optional.empty();
    }
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
