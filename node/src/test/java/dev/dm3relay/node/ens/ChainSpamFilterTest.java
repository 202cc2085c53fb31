package dev.dm3relay.node.ens;

import dev.dm3relay.node.core.NameResolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dm3relay.node.core.SpamFilter;
import dev.dm3relay.node.core.Account;
import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.model.DeliveryInformation;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint256;

/** The §5.8 spam rules, read from a real chain (ganache) where the test set the sender's state. */
@ExtendWith(TestChain.Extension.class)
class ChainSpamFilterTest {

  private static final Account RECEIVER = new Account("0x" + "12".repeat(20), null, null);
  private static final BigInteger FUNDED_WEI = BigInteger.valueOf(12_345);
  private static final BigInteger TOKENS = BigInteger.valueOf(500);

  private static TestChain chain;
  private static EnsNameResolver names;

  /** Account 7: three transactions sent, so its nonce is exactly 3. */
  private static String busy;

  /** A fresh address holding exactly FUNDED_WEI and TOKENS, with nonce 0. */
  private static String funded;

  private static String token;
  private static String revertingToken;

  @BeforeAll
  static void prepare(TestChain testChain) {
    chain = testChain;
    TestEns ens = new TestEns(chain);
    String plain = chain.deploy("PlainResolver");
    busy = chain.account(7);
    for (int i = 0; i < 3; i++) {
      chain.transfer(busy, chain.account(8), BigInteger.ONE);
    }
    ens.register("busy.eth", plain);
    ens.setAddr(plain, "busy.eth", busy);

    byte[] raw = new byte[20];
    new SecureRandom().nextBytes(raw);
    funded = Hex.prefixed(raw);
    chain.transfer(chain.account(0), funded, FUNDED_WEI);
    token = chain.deploy("TestToken");
    chain.send(token, "mint", new Address(funded), new Uint256(TOKENS));
    revertingToken = chain.deploy("RevertingToken");

    names =
        new EnsNameResolver(
            ChainReader.connect(chain.rpcUrl(), Duration.ofSeconds(5), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()),
            TestChain.ENS_DEFAULTS.withRegistry(ens.registry));
  }

  @AfterAll
  static void close() {
    if (names != null) {
      names.close();
    }
  }

  private static boolean admits(SpamRules rules, String from) throws Exception {
    SpamFilter filter = new ChainSpamFilter(names, names.chain(), account -> Optional.of(rules));
    return filter
        .admits(RECEIVER, new DeliveryInformation(RECEIVER.address(), from))
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  @Test
  void chainReadsAreCachedSoAFloodFromOneSenderCostsOneRead() throws Exception {
    byte[] raw = new byte[20];
    new SecureRandom().nextBytes(raw);
    String sender = Hex.prefixed(raw);
    chain.transfer(chain.account(0), sender, BigInteger.valueOf(100));
    ChainSpamFilter filter = new ChainSpamFilter(names, names.chain(), account -> Optional.of(balance(101)));
    DeliveryInformation routing = new DeliveryInformation(RECEIVER.address(), sender);
    assertFalse(filter.admits(RECEIVER, routing).toCompletableFuture().get(20, TimeUnit.SECONDS));
    chain.transfer(chain.account(0), sender, BigInteger.ONE);
    for (int i = 0; i < 50; i++) {
      assertFalse(filter.admits(RECEIVER, routing).toCompletableFuture().get(20, TimeUnit.SECONDS), "the balance read a moment ago");
    }
    assertEquals(1, filter.cachedReads(), "one read for the sender, however many submits");
    ChainSpamFilter fresh = new ChainSpamFilter(names, names.chain(), account -> Optional.of(balance(101)));
    assertTrue(fresh.admits(RECEIVER, routing).toCompletableFuture().get(20, TimeUnit.SECONDS), "a new read sees 101 wei");
  }

  private static SpamRules nonce(long min) {
    return new SpamRules(min, null, null);
  }

  private static SpamRules balance(long min) {
    return new SpamRules(null, BigInteger.valueOf(min), null);
  }

  private static SpamRules tokens(String token, long min) {
    return new SpamRules(null, null, new SpamRules.TokenRule(token, BigInteger.valueOf(min)));
  }

  @Test
  void noRulesAdmitEverythingWithoutAskingTheChain() throws Exception {
    EnsNameResolver dead =
        new EnsNameResolver(
            ChainReader.connect("http://127.0.0.1:" + TestChain.freePort(), Duration.ofSeconds(2), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()),
            TestChain.ENS_DEFAULTS);
    try (dead) {
      SpamFilter noRules = new ChainSpamFilter(dead, dead.chain(), account -> Optional.empty());
      SpamFilter emptyRules =
          new ChainSpamFilter(dead, dead.chain(), account -> Optional.of(SpamRules.NONE));
      DeliveryInformation routing = new DeliveryInformation(RECEIVER.address(), "someone.eth");
      assertTrue(noRules.admits(RECEIVER, routing).toCompletableFuture().get(20, TimeUnit.SECONDS));
      assertTrue(
          emptyRules.admits(RECEIVER, routing).toCompletableFuture().get(20, TimeUnit.SECONDS));
    }
  }

  @Test
  void minNonceComparesTheSendersTransactionCount() throws Exception {
    assertTrue(admits(nonce(3), "busy.eth"), "equal passes");
    assertTrue(admits(nonce(2), "busy.eth"));
    assertFalse(admits(nonce(4), "busy.eth"));
    assertTrue(admits(nonce(3), busy), "a bare address is its own sender");
    assertFalse(admits(nonce(1), funded));
    assertTrue(admits(nonce(0), funded));
  }

  @Test
  void minBalanceComparesTheSendersWei() throws Exception {
    assertTrue(admits(balance(12_345), funded), "equal passes");
    assertFalse(admits(balance(12_346), funded));
    assertTrue(
        admits(new SpamRules(null, new BigInteger("100000000000000000000"), null), "busy.eth"),
        "~1000 ETH left");
  }

  @Test
  void minTokenBalanceReadsErc20BalanceOf() throws Exception {
    assertTrue(admits(tokens(token, 500), funded), "equal passes");
    assertFalse(admits(tokens(token, 501), funded));
    assertFalse(admits(tokens(token, 1), "busy.eth"));
  }

  @Test
  void anUnreadableTokenBalanceCountsAsZero() throws Exception {
    assertTrue(admits(tokens(revertingToken, 0), funded));
    assertFalse(admits(tokens(revertingToken, 1), funded));
    // An address without code answers eth_call with no data at all.
    String noCode = chain.account(9);
    assertTrue(admits(tokens(noCode, 0), funded));
    assertFalse(admits(tokens(noCode, 1), funded));
  }

  @Test
  void everySetRuleMustPass() throws Exception {
    SpamRules all = new SpamRules(0L, FUNDED_WEI, new SpamRules.TokenRule(token, TOKENS));
    assertTrue(admits(all, funded));
    assertFalse(
        admits(new SpamRules(1L, FUNDED_WEI, new SpamRules.TokenRule(token, TOKENS)), funded));
    assertFalse(
        admits(
            new SpamRules(
                0L, FUNDED_WEI.add(BigInteger.ONE), new SpamRules.TokenRule(token, TOKENS)),
            funded));
    assertFalse(
        admits(
            new SpamRules(
                0L, FUNDED_WEI, new SpamRules.TokenRule(token, TOKENS.add(BigInteger.ONE))),
            funded));
  }

  @Test
  void aSenderWhoseNameDoesNotResolveIsRefusedWhenRulesAreSet() throws Exception {
    assertFalse(admits(nonce(0), "nobody-here.eth"));
  }

  @Test
  void anUnreachableChainFailsTheStage() {
    EnsNameResolver dead =
        new EnsNameResolver(
            ChainReader.connect("http://127.0.0.1:" + TestChain.freePort(), Duration.ofSeconds(2), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight()),
            TestChain.ENS_DEFAULTS);
    try (dead) {
      SpamFilter filter = new ChainSpamFilter(dead, dead.chain(), account -> Optional.of(nonce(0)));
      ExecutionException failure =
          assertThrows(
              ExecutionException.class,
              () ->
                  filter
                      .admits(RECEIVER, new DeliveryInformation(RECEIVER.address(), funded))
                      .toCompletableFuture()
                      .get(20, TimeUnit.SECONDS));
      assertInstanceOf(ChainUnavailableException.class, failure.getCause());
    }
  }

  @Test
  void rulesParseFromTheReferenceJson() throws Exception {
    SpamRules rules =
        SpamRules.fromJson(
            new ObjectMapper()
                .readTree(
                    "{\"minNonce\":3,\"minBalance\":\"0xa\",\"minTokenBalance\":{\"address\":\""
                        + token
                        + "\",\"amount\":\"500\"}}"));
    assertEquals(3L, rules.minNonce());
    assertEquals(BigInteger.TEN, rules.minBalance());
    assertEquals(new SpamRules.TokenRule(token, TOKENS), rules.minTokenBalance());
    assertTrue(SpamRules.fromJson(new ObjectMapper().readTree("{}")).isEmpty());
    assertTrue(SpamRules.fromJson(null).isEmpty());
    assertThrows(
        IllegalArgumentException.class,
        () -> SpamRules.fromJson(new ObjectMapper().readTree("{\"minBalance\":\"lots\"}")));
  }

  @Test
  void withoutAChainRulesCannotBeMet() throws Exception {
    NameResolver chainless = NameResolvers.fromConfig("", TestChain.ENS_DEFAULTS);
    DeliveryInformation routing = new DeliveryInformation(RECEIVER.address(), funded);
    assertTrue(NameResolvers.spamFilter(chainless).admits(RECEIVER, routing).toCompletableFuture().get(), "no rules");
    Account withRules = new Account(RECEIVER.address(), null, "{\"minNonce\":0}");
    assertFalse(NameResolvers.spamFilter(chainless).admits(withRules, routing).toCompletableFuture().get());
    assertInstanceOf(ChainSpamFilter.class, NameResolvers.spamFilter(names));
  }
}
