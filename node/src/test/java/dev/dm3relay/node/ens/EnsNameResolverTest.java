package dev.dm3relay.node.ens;

import dev.dm3relay.node.core.NameResolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.protocol.crypto.Ethereum;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.http.HttpService;

/**
 * ENS resolution against a real chain (ganache) with test contracts deployed by the test, and a
 * real CCIP-read gateway on the JDK's HTTP server.
 */
@ExtendWith(TestChain.Extension.class)
class EnsNameResolverTest {

  private static final String ALICE = "0x00000000000000000000000000000000000a11ce";
  private static final String BOB = "0x0000000000000000000000000000000000000b0b";
  private static final String DEEP = "0x000000000000000000000000000000000000dee9";
  private static final String EXACT = "0x00000000000000000000000000000000000e8ac7";
  private static final String CHILD = "0x0000000000000000000000000000000000c41d00";
  private static final String NOBODY = "0x0000000000000000000000000000000000000b0d";
  private static final String ETH_ITSELF = "0x0000000000000000000000000000000000000e74";
  private static final String CAROL = "0xCa401Ca401Ca401Ca401Ca401Ca401Ca401Ca401";
  private static final String DAVE = "0x8888888888888888888888888888888888888888";
  private static final String CHAINED = "0x2222222222222222222222222222222222222222";
  private static final String LOOPED = "0x3333333333333333333333333333333333333333";
  private static final String SPOOFED = "0x4444444444444444444444444444444444444444";
  private static final String FALLBACK = "0x5555555555555555555555555555555555555555";
  private static final String NOT_FOUND = "0x6666666666666666666666666666666666666666";
  private static final String DOWN = "0x7777777777777777777777777777777777777777";
  private static final String REDIRECTED = "0x9999999999999999999999999999999999999999";
  private static final String DRIPPED = "0x1111111111111111111111111111111111111111";
  private static final String PROFILE_KEY = "network.dm3.profile";
  private static final String ALICE_PROFILE =
      "data:application/json,{\"publicEncryptionKey\":\"alice\"}";

  /** 64 bytes: too long for DNS wire format, fine for namehash. */
  private static final String LONG_LABEL = "a".repeat(64);

  private static TestChain chain;
  private static TestEns ens;
  private static TestGateway gateway;
  private static String offchainGet;
  private static String offchainPost;

  @BeforeAll
  static void deploy(TestChain testChain) {
    chain = testChain;
    ens = new TestEns(chain);
    gateway = new TestGateway();
    String plain = chain.deploy("PlainResolver");
    String wildcard = chain.deploy("WildcardResolver");

    ens.register("alice.eth", plain);
    ens.setAddr(plain, "alice.eth", ALICE);
    ens.setText(plain, "alice.eth", PROFILE_KEY, ALICE_PROFILE);
    ens.register("zero.eth", plain);
    ens.register(LONG_LABEL + ".eth", plain);
    ens.setAddr(plain, LONG_LABEL + ".eth", ALICE);
    ens.setAddr(wildcard, LONG_LABEL + ".wild.eth", BOB);

    ens.register("wild.eth", wildcard);
    ens.setAddr(wildcard, "bob.wild.eth", BOB);
    ens.setText(wildcard, "bob.wild.eth", PROFILE_KEY, "bob's profile");
    ens.setAddr(wildcard, "deep.sub.wild.eth", DEEP);
    ens.register("exact.eth", wildcard);
    ens.setAddr(wildcard, "exact.eth", EXACT);

    // The legacy resolver even holds a record for the child: it must still not be asked.
    ens.register("plain.eth", plain);
    ens.setAddr(plain, "child.plain.eth", CHILD);

    // A wildcard resolver on the eth node itself would answer any *.eth name if the walk went
    // there.
    ens.register("eth", wildcard);
    ens.setAddr(wildcard, "nobody.eth", NOBODY);
    ens.setAddr(wildcard, "eth", ETH_ITSELF);

    String get = gateway.url("/get/{sender}/{data}.json");
    offchainGet = offchain("offchain.eth", List.of(get), 1, null);
    offchainPost = offchain("post.eth", List.of(gateway.url("/post")), 1, null);
    offchain("chained.eth", List.of(get), 2, null);
    offchain("loop.eth", List.of(get), EnsNameResolver.MAX_OFFCHAIN_LOOKUPS + 1, null);
    offchain("spoof.eth", List.of(get), 1, plain);
    offchain("fallback.eth", List.of(gateway.url("/fail500/{sender}/{data}"), get), 1, null);
    offchain("notfound.eth", List.of(gateway.url("/missing/{sender}/{data}"), get), 1, null);
    offchain("redirect.eth", List.of(gateway.url("/redirect/2/{sender}/{data}")), 1, null);
    offchain("drip.eth", List.of(gateway.url("/drip/{sender}/{data}")), 1, null);
    offchain(
        "localhost.eth",
        List.of("http://localhost:" + gatewayPort() + "/get/{sender}/{data}"),
        1,
        null);
    offchain("redirectloop.eth", List.of(gateway.url("/redirect/9/{sender}/{data}")), 1, null);
    offchain(
        "many.eth",
        java.util.Collections.nCopies(
            CcipGateway.MAX_URLS + 2, gateway.url("/fail500/{sender}/{data}")),
        1,
        null);
    offchain(
        "down.eth",
        List.of("http://127.0.0.1:" + TestChain.freePort() + "/{sender}/{data}"),
        1,
        null);

    gateway.setAddr("carol.offchain.eth", CAROL);
    gateway.setText("carol.offchain.eth", PROFILE_KEY, "carol's profile");
    gateway.setAddr("dave.post.eth", DAVE);
    gateway.setAddr("x.chained.eth", CHAINED);
    gateway.setAddr("y.loop.eth", LOOPED);
    gateway.setAddr("z.spoof.eth", SPOOFED);
    gateway.setAddr("f.fallback.eth", FALLBACK);
    gateway.setAddr("n.notfound.eth", NOT_FOUND);
    gateway.setAddr("d.down.eth", DOWN);
    gateway.setAddr("r.redirect.eth", REDIRECTED);
    gateway.setAddr("r.redirectloop.eth", REDIRECTED);
    gateway.setAddr("d.drip.eth", DRIPPED);
    gateway.setAddr("l.localhost.eth", DRIPPED);
  }

  private static int gatewayPort() {
    String url = gateway.url("/");
    return Integer.parseInt(url.substring("http://127.0.0.1:".length(), url.length() - 1));
  }

  private static String offchain(
      String name, List<String> urls, int lookups, String claimedSender) {
    String resolver =
        chain.deploy(
            "OffchainResolver",
            new DynamicArray<>(Utf8String.class, urls.stream().map(Utf8String::new).toList()),
            new Uint256(lookups),
            new Address(
                claimedSender == null
                    ? "0x0000000000000000000000000000000000000000"
                    : claimedSender));
    ens.register(name, resolver);
    return resolver;
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static EnsConfig config() {
    // The gateway is on loopback, which only an explicit setting lets the relay fetch from.
    return TestChain.ENS_DEFAULTS
        .withRegistry(ens.registry)
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))
        .withPrivateGateways(true);
  }

  private static EnsNameResolver resolver() {
    return new EnsNameResolver(
        ChainReader.connect(chain.rpcUrl(), Duration.ofSeconds(5), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()), config());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Optional<String> resolve(String name) throws Exception {
    try (EnsNameResolver resolver = resolver()) {
      return await(resolver.resolveAddress(name));
    }
  }

  private static Optional<String> checksummed(String address) {
    return Optional.of(Ethereum.checksumAddress(address.toLowerCase(Locale.ROOT)));
  }

  @Test
  void resolvesAnAddressFromTheNamesOwnResolver() throws Exception {
    assertEquals(checksummed(ALICE), resolve("alice.eth"));
  }

  @Test
  void unknownNamesAndTheZeroAddressAreEmpty() throws Exception {
    assertEquals(Optional.empty(), resolve("unknown.eth"));
    assertEquals(Optional.empty(), resolve("name.with.no.resolver.xyz"));
    assertEquals(Optional.empty(), resolve("zero.eth"));
    assertEquals(Optional.empty(), resolve("unknown.wild.eth"));
  }

  @Test
  void aLabelTooLongForDnsResolvesOnlyWithoutEnsip10() throws Exception {
    assertEquals(checksummed(ALICE), resolve(LONG_LABEL + ".eth"));
    assertEquals(Optional.empty(), resolve(LONG_LABEL + ".wild.eth"));
  }

  @Test
  void resolvesThroughAParentsWildcardResolver() throws Exception {
    assertEquals(checksummed(BOB), resolve("bob.wild.eth"));
    assertEquals(checksummed(DEEP), resolve("deep.sub.wild.eth"));
  }

  @Test
  void callsAnEnsip10ResolverThroughResolveEvenForItsOwnName() throws Exception {
    // WildcardResolver has no addr(bytes32): only resolve(dnsEncode(name), addr(node)) can answer.
    assertEquals(checksummed(EXACT), resolve("exact.eth"));
  }

  @Test
  void ignoresAParentsResolverWithoutWildcardSupport() throws Exception {
    assertEquals(Optional.empty(), resolve("child.plain.eth"));
  }

  @Test
  void theWalkUpStopsBeforeTheEthNode() throws Exception {
    assertEquals(Optional.empty(), resolve("nobody.eth"));
    assertEquals(checksummed(ETH_ITSELF), resolve("eth"), "the eth name itself still resolves");
  }

  @Test
  void readsTextRecordsThroughTheSamePaths() throws Exception {
    try (EnsNameResolver resolver = resolver()) {
      assertEquals(Optional.of(ALICE_PROFILE), await(resolver.text("alice.eth", PROFILE_KEY)));
      assertEquals(Optional.of("bob's profile"), await(resolver.text("bob.wild.eth", PROFILE_KEY)));
      assertEquals(
          Optional.of("carol's profile"), await(resolver.text("carol.offchain.eth", PROFILE_KEY)));
      assertEquals(Optional.empty(), await(resolver.text("alice.eth", "no.such.key")));
      assertEquals(Optional.empty(), await(resolver.text("unknown.eth", PROFILE_KEY)));
    }
  }

  @Test
  void followsOffchainLookupWithGet() throws Exception {
    int before = gateway.hitsFor("carol.offchain.eth").size();
    assertEquals(checksummed(CAROL), resolve("carol.offchain.eth"));
    List<TestGateway.Hit> hits = gateway.hitsFor("carol.offchain.eth");
    assertEquals(before + 1, hits.size());
    TestGateway.Hit hit = hits.get(hits.size() - 1);
    assertEquals("GET", hit.method());
    assertEquals(
        offchainGet.toLowerCase(Locale.ROOT), hit.sender(), "{sender} is the resolver, lower-case");
    assertTrue(hit.path().endsWith(".json"));
  }

  @Test
  void followsOffchainLookupWithPostWhenTheUrlHasNoData() throws Exception {
    assertEquals(checksummed(DAVE), resolve("dave.post.eth"));
    List<TestGateway.Hit> hits = gateway.hitsFor("dave.post.eth");
    assertEquals(1, hits.size());
    assertEquals("POST", hits.get(0).method());
    assertEquals(offchainPost.toLowerCase(Locale.ROOT), hits.get(0).sender());
  }

  @Test
  void followsChainedLookupsUpToTheCap() throws Exception {
    assertEquals(checksummed(CHAINED), resolve("x.chained.eth"));
    assertEquals(2, gateway.hitsFor("x.chained.eth").size());

    assertEquals(Optional.empty(), resolve("y.loop.eth"));
    assertEquals(EnsNameResolver.MAX_OFFCHAIN_LOOKUPS, gateway.hitsFor("y.loop.eth").size());
  }

  @Test
  void refusesALookupRaisedForAnotherSender() throws Exception {
    assertEquals(Optional.empty(), resolve("z.spoof.eth"));
    assertEquals(0, gateway.hitsFor("z.spoof.eth").size(), "the gateway must not even be asked");
  }

  @Test
  void aGateway5xxMovesOnToTheNextUrl() throws Exception {
    assertEquals(checksummed(FALLBACK), resolve("f.fallback.eth"));
    List<TestGateway.Hit> hits = gateway.hitsFor("f.fallback.eth");
    assertEquals(2, hits.size());
    assertTrue(hits.get(0).path().startsWith("/fail500/"));
    assertTrue(hits.get(1).path().startsWith("/get/"));
  }

  @Test
  void oneLookupSendsAtMostItsBudgetOfGatewayRequests() {
    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> resolve("m.many.eth"));
    assertInstanceOf(ChainUnavailableException.class, failure.getCause());
    assertEquals(config().gatewayRequestsPerLookup(), gateway.hitsFor("m.many.eth").size());
    assertEquals(4, config().gatewayRequestsPerLookup(), "a few, not 160 (4 lookups x 8 URLs x 5 redirects)");
  }

  @Test
  void aGatewayThatDripsItsReplyIsCutOffAtTheDeadlineAndTheFailureIsRememberedBriefly() throws Exception {
    AtomicLong now = new AtomicLong(System.nanoTime());
    EnsConfig quick = config().withLookupLimits(Duration.ofSeconds(2), Duration.ofSeconds(5), 4);
    try (EnsNameResolver resolver =
        new EnsNameResolver(new ChainReader(new HttpService(chain.rpcUrl()), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()), quick, new PublicHttp(true, 64), now::get)) {
      long began = System.nanoTime();
      ExecutionException failure =
          assertThrows(ExecutionException.class, () -> await(resolver.resolveAddress("d.drip.eth")));
      long tookMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      assertInstanceOf(ChainUnavailableException.class, failure.getCause());
      assertTrue(tookMillis < 4_000, "cut off after " + tookMillis + " ms (the reply needs minutes)");
      int hits = gateway.hitsFor("d.drip.eth").size();

      began = System.nanoTime();
      failure = assertThrows(ExecutionException.class, () -> await(resolver.resolveAddress("d.drip.eth")));
      assertInstanceOf(ChainUnavailableException.class, failure.getCause());
      assertTrue(Duration.ofNanos(System.nanoTime() - began).toMillis() < 500, "answered from the failure cache");
      assertEquals(hits, gateway.hitsFor("d.drip.eth").size(), "no new request while the failure is remembered");

      now.addAndGet(Duration.ofSeconds(6).toNanos());
      began = System.nanoTime();
      failure = assertThrows(ExecutionException.class, () -> await(resolver.resolveAddress("d.drip.eth")));
      long againMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      assertTrue(againMillis > 1_500, "tried the gateway again once the failure expired (" + againMillis + " ms): " + failure.getCause());
    }
  }

  @Test
  void aGatewayHostNameThatResolvesToLoopbackIsNotFetched() throws Exception {
    try (EnsNameResolver resolver =
        new EnsNameResolver(
            ChainReader.connect(chain.rpcUrl(), Duration.ofSeconds(5), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()), config().withPrivateGateways(false))) {
      assertEquals(Optional.empty(), await(resolver.resolveAddress("l.localhost.eth")));
    }
    assertEquals(0, gateway.hitsFor("l.localhost.eth").size(), "the connection is refused at its DNS answer");
  }

  @Test
  void aGateway4xxEndsTheLookupEmpty() throws Exception {
    assertEquals(Optional.empty(), resolve("n.notfound.eth"));
    List<TestGateway.Hit> hits = gateway.hitsFor("n.notfound.eth");
    assertEquals(1, hits.size(), "EIP-3668: no further URL after a 4xx");
    assertTrue(hits.get(0).path().startsWith("/missing/"));
  }

  @Test
  void followsGatewayRedirectsUpToTheCap() throws Exception {
    assertEquals(checksummed(REDIRECTED), resolve("r.redirect.eth"));
    assertEquals(3, gateway.hitsFor("r.redirect.eth").size());

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> resolve("r.redirectloop.eth"));
    assertInstanceOf(ChainUnavailableException.class, failure.getCause());
    // the redirect cap is 4, and the lookup's budget of 4 requests ends it too
    assertEquals(config().gatewayRequestsPerLookup(), gateway.hitsFor("r.redirectloop.eth").size());
  }

  @Test
  void byDefaultGatewaysOnNonPublicAddressesAreNotFetched() throws Exception {
    int before = gateway.hitsFor("carol.offchain.eth").size();
    try (EnsNameResolver resolver =
        new EnsNameResolver(
            ChainReader.connect(chain.rpcUrl(), Duration.ofSeconds(5), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()),
            config().withPrivateGateways(false))) {
      assertEquals(Optional.empty(), await(resolver.resolveAddress("carol.offchain.eth")));
    }
    assertEquals(before, gateway.hitsFor("carol.offchain.eth").size());
  }

  @Test
  void onlyPublicAddressesArePublic() throws Exception {
    for (String address :
        List.of(
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            // IPv6 ranges that carry an IPv4 address to wherever it points
            "64:ff9b::7f00:1", // NAT64 of 127.0.0.1
            "64:ff9b:1::a00:1", // local-use NAT64
            "2002:7f00:1::1", // 6to4 of 127.0.0.1
            "::7f00:1", // IPv4-compatible
            "::",
            "2001::1", // Teredo
            "2001:db8::1",
            "ff02::1",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.1",
            "203.0.113.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255")) {
      assertFalse(PublicHttp.isPublic(java.net.InetAddress.getByName(address)), address);
    }
    for (String address : List.of("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001::1")) {
      assertTrue(PublicHttp.isPublic(java.net.InetAddress.getByName(address)), address);
    }
  }

  @Test
  void anUnreachableGatewayFailsTheStage() {
    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> resolve("d.down.eth"));
    assertInstanceOf(ChainUnavailableException.class, failure.getCause());
  }

  @Test
  void anUnreachableRpcFailsTheStageButAddressNamesStillResolve() throws Exception {
    String deadRpc = "http://127.0.0.1:" + TestChain.freePort();
    try (EnsNameResolver resolver =
        new EnsNameResolver(ChainReader.connect(deadRpc, Duration.ofSeconds(2), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()), config())) {
      ExecutionException failure =
          assertThrows(ExecutionException.class, () -> await(resolver.resolveAddress("alice.eth")));
      assertInstanceOf(ChainUnavailableException.class, failure.getCause());
      failure =
          assertThrows(
              ExecutionException.class, () -> await(resolver.text("alice.eth", PROFILE_KEY)));
      assertInstanceOf(ChainUnavailableException.class, failure.getCause());

      String address = "0x" + "ab".repeat(20);
      assertEquals(checksummed(address), await(resolver.resolveAddress(address)));
      assertEquals(checksummed(address), await(resolver.resolveAddress(address + ".addr.dm3.eth")));
    }
  }

  @Test
  void aChainWithoutTheRegistryFailsTheStage() {
    EnsConfig noRegistry = config().withRegistry(chain.account(9));
    try (EnsNameResolver resolver =
        new EnsNameResolver(
            ChainReader.connect(chain.rpcUrl(), Duration.ofSeconds(5), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()), noRegistry)) {
      ExecutionException failure =
          assertThrows(ExecutionException.class, () -> await(resolver.resolveAddress("alice.eth")));
      assertInstanceOf(ChainUnavailableException.class, failure.getCause());
    }
  }

  /** An RPC transport that counts the JSON-RPC requests it carries. */
  private static final class CountingService extends HttpService {
    final AtomicInteger requests = new AtomicInteger();

    CountingService(String url) {
      super(url);
    }

    @Override
    protected InputStream performIO(String request) throws IOException {
      requests.incrementAndGet();
      return super.performIO(request);
    }
  }

  @Test
  void answersComeFromTheCacheUntilTheirTtlRunsOut() throws Exception {
    CountingService rpc = new CountingService(chain.rpcUrl());
    AtomicLong now = new AtomicLong();
    EnsConfig config = config().withTtls(Duration.ofMinutes(5), Duration.ofSeconds(30));
    try (EnsNameResolver resolver =
        new EnsNameResolver(
            new ChainReader(rpc, TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()),
            config,
            new PublicHttp(true, 64),
            now::get)) {
      assertEquals(checksummed(ALICE), await(resolver.resolveAddress("alice.eth")));
      int firstLookup = rpc.requests.get();
      assertTrue(firstLookup >= 3, "registry, supportsInterface and addr: " + firstLookup);

      now.addAndGet(Duration.ofMinutes(4).toNanos());
      assertEquals(checksummed(ALICE), await(resolver.resolveAddress("alice.eth")));
      assertEquals(firstLookup, rpc.requests.get(), "a cached answer makes no call");

      now.addAndGet(Duration.ofMinutes(2).toNanos());
      assertEquals(checksummed(ALICE), await(resolver.resolveAddress("alice.eth")));
      assertEquals(2 * firstLookup, rpc.requests.get(), "an expired answer is looked up again");

      int before = rpc.requests.get();
      assertEquals(Optional.empty(), await(resolver.resolveAddress("unknown.eth")));
      int negativeLookup = rpc.requests.get() - before;
      assertTrue(negativeLookup > 0);
      now.addAndGet(Duration.ofSeconds(20).toNanos());
      assertEquals(Optional.empty(), await(resolver.resolveAddress("unknown.eth")));
      assertEquals(before + negativeLookup, rpc.requests.get(), "a negative answer is cached too");
      now.addAndGet(Duration.ofSeconds(11).toNanos());
      assertEquals(Optional.empty(), await(resolver.resolveAddress("unknown.eth")));
      assertEquals(before + 2 * negativeLookup, rpc.requests.get(), "but only for the shorter TTL");
    }
  }

  @Test
  void theCacheHoldsNoMoreThanItsSizeWhateverTheNamesAskedFor() throws Exception {
    try (EnsNameResolver resolver =
        new EnsNameResolver(
            new ChainReader(new HttpService(chain.rpcUrl()), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()),
            config().withMaxCacheEntries(20),
            new PublicHttp(true, 64),
            System::nanoTime)) {
      for (int i = 0; i < 120; i++) {
        assertEquals(Optional.empty(), await(resolver.resolveAddress("stranger-" + i + ".eth")));
      }
      assertTrue(resolver.cachedAnswers() <= 20, "cached: " + resolver.cachedAnswers());
      assertTrue(resolver.cachedAnswers() > 0, "negative answers are cached at all");
    }
  }

  @Test
  void aGatewaysReplyIsReadUnderTheInputLimits() {
    assertEquals(2, CcipGateway.dataField("{\"data\":\"0xabcd\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).length);
    String deep = "{\"data\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
    assertEquals(null, CcipGateway.dataField(deep.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "too deep: no answer");
    String longNumber = "{\"x\":1" + "0".repeat(5_000) + ",\"data\":\"0xab\"}";
    assertEquals(null, CcipGateway.dataField(longNumber.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "too long a number");
  }

  @Test
  void concurrentLookupsOfOneNameShareOneLookup() throws Exception {
    CountingService single = new CountingService(chain.rpcUrl());
    try (EnsNameResolver resolver = new EnsNameResolver(new ChainReader(single, TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()), config())) {
      assertEquals(checksummed(BOB), await(resolver.resolveAddress("bob.wild.eth")));
    }
    CountingService shared = new CountingService(chain.rpcUrl());
    try (EnsNameResolver resolver = new EnsNameResolver(new ChainReader(shared, TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()), config().withConcurrency(64, 8))) {
      List<CompletableFuture<Optional<String>>> lookups = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        lookups.add(resolver.resolveAddress("bob.wild.eth").toCompletableFuture());
      }
      for (CompletableFuture<Optional<String>> lookup : lookups) {
        assertEquals(checksummed(BOB), lookup.get(20, TimeUnit.SECONDS));
      }
    }
    assertEquals(single.requests.get(), shared.requests.get());
  }

  @Test
  void onlyAFewRequestsWaitOnALookupUnderWayAndOnlySoManyLookupsRun() throws Exception {
    try (EnsNameResolver resolver =
        new EnsNameResolver(new ChainReader(new HttpService(chain.rpcUrl()), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()), config().withConcurrency(2, 3))) {
      List<CompletableFuture<Optional<String>>> lookups = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        lookups.add(resolver.resolveAddress("d.drip.eth").toCompletableFuture()); // slow: its gateway drips
      }
      lookups.add(resolver.resolveAddress("bob.wild.eth").toCompletableFuture());
      lookups.add(resolver.resolveAddress("carol.offchain.eth").toCompletableFuture()); // the third lookup
      int refusedAtOnce = 0;
      for (CompletableFuture<Optional<String>> lookup : lookups) {
        if (lookup.isCompletedExceptionally()) {
          refusedAtOnce++;
        }
      }
      // 1 running + 3 waiting for the dripping name; 6 more of it and the third lookup refused at once
      assertEquals(7, refusedAtOnce);
      assertEquals(checksummed(BOB), lookups.get(10).get(20, TimeUnit.SECONDS));
    }
  }

  @Test
  void theFactoryPicksTheResolverByRpc() throws Exception {
    assertInstanceOf(ChainlessNameResolver.class, NameResolvers.fromConfig("", TestChain.ENS_DEFAULTS));
    assertInstanceOf(ChainlessNameResolver.class, NameResolvers.fromConfig(null, TestChain.ENS_DEFAULTS));
    assertInstanceOf(ChainlessNameResolver.class, NameResolvers.fromConfig("  ", TestChain.ENS_DEFAULTS));
    assertFalse(NameResolvers.fromConfig("", TestChain.ENS_DEFAULTS).resolvesChainNames());

    NameResolver fromConfig =
        NameResolvers.from(
            relayConfig(java.util.Map.of("dm3relay.ens.rpc", chain.rpcUrl(), "dm3relay.ens.registry", ens.registry)));
    try (EnsNameResolver ens = assertInstanceOf(EnsNameResolver.class, fromConfig)) {
      assertTrue(ens.resolvesChainNames());
      assertEquals(checksummed(ALICE), await(ens.resolveAddress("alice.eth")));
    }
  }

  private static com.typesafe.config.Config relayConfig(java.util.Map<String, Object> overrides) {
    return dev.dm3relay.node.RelayConfig.load(com.typesafe.config.ConfigFactory.parseMap(overrides), java.util.Map.of());
  }

  @Test
  void theSettingsComeFromEnsConfWithTheirDefaults() {
    EnsConfig defaults = EnsConfig.from(relayConfig(java.util.Map.of()));
    assertEquals(TestChain.ENS_DEFAULTS, defaults, "ens.conf and TestChain.ENS_DEFAULTS agree");
    assertEquals(EnsConfig.MAINNET_REGISTRY, defaults.registryAddress());
    assertEquals(
        Duration.ofSeconds(60),
        EnsConfig.from(relayConfig(java.util.Map.of("dm3relay.ens.cache-ttl-seconds", 60))).positiveTtl());
    assertThrows(
        com.typesafe.config.ConfigException.class,
        () -> EnsConfig.from(relayConfig(java.util.Map.of("dm3relay.ens.cache-size", "lots"))));
  }
}
