package dev.dm3relay.node.ens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.node.Relay;
import dev.dm3relay.node.TestClient;
import dev.dm3relay.node.TestRelays;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.sender.WalletUser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * A whole relay whose names resolve on a real chain (ganache, with ENS and resolvers deployed by
 * the test) and a real CCIP-read gateway: what names published on chain change about the security
 * rules.
 */
@ExtendWith({EmbeddedCassandraExtension.class, TestChain.Extension.class})
class RelayOnChainTest {

  private static final int MAX_IN_FLIGHT = 16;

  private static TestChain chain;
  private static TestEns ens;
  private static TestGateway gateway;
  private static String plain;
  private static Relay relay;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    ens = new TestEns(chain);
    gateway = new TestGateway();
    plain = chain.deploy("PlainResolver");
    String dripping =
        chain.deploy(
            "OffchainResolver",
            new DynamicArray<>(Utf8String.class, List.of(new Utf8String(gateway.url("/drip/{sender}/{data}")))),
            new Uint256(1),
            new Address("0x0000000000000000000000000000000000000000"));
    ens.register("slowdrip.eth", dripping);
    gateway.setAddr("x.slowdrip.eth", "0x1111111111111111111111111111111111111111");
    relay =
        TestRelays.start(
            Map.of(
                "dm3relay.ens.rpc", chain.rpcUrl(),
                "dm3relay.ens.registry", ens.registry,
                "dm3relay.ens.allow-private-gateways", true, // the gateway is on loopback
                "dm3relay.ens.lookup-timeout-seconds", 3,
                "dm3relay.ens.gateway-timeout-seconds", 3,
                "dm3relay.api.max-in-flight", MAX_IN_FLIGHT));
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
    return TestClient.send(relay.baseUrl(), method, path, body, token);
  }

  @Test
  void lookupsOfANameWhoseGatewayDripsDoNotStarveOtherClients() throws Exception {
    WalletUser canary = WalletUser.create();
    assertEquals(200, TestClient.register(relay.baseUrl(), canary).statusCode());
    ExecutorService pool = Executors.newFixedThreadPool(MAX_IN_FLIGHT + 10);
    try {
      List<CompletableFuture<Integer>> lookups = new ArrayList<>();
      long began = System.nanoTime();
      for (int i = 0; i < MAX_IN_FLIGHT + 10; i++) {
        lookups.add(CompletableFuture.supplyAsync(() -> status("/profile/x.slowdrip.eth"), pool));
      }
      Thread.sleep(300);
      for (int i = 0; i < 10; i++) {
        assertEquals(200, send("GET", "/profile/" + canary.name(), null, null).statusCode(), "canary " + i);
      }
      long canaryMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      for (CompletableFuture<Integer> lookup : lookups) {
        assertEquals(503, lookup.get(20, TimeUnit.SECONDS), "a name whose gateway never finishes is unavailable");
      }
      long allMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      System.out.printf(
          "%d lookups of a dripping gateway's name: canary's 10 requests done after %d ms, every lookup answered after %d ms%n",
          lookups.size(), canaryMillis, allMillis);
      assertTrue(allMillis < 10_000, "the lookups' deadline is 3 s: " + allMillis + " ms");
    } finally {
      pool.shutdownNow();
    }
  }

  private static int status(String path) {
    try {
      return send("GET", path, null, null).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void aProfilePublishedInEnsReplacesTheOneRegisteredHereAndAnOlderOneDoesNot() throws Exception {
    WalletUser v1 = WalletUser.create();
    WalletUser v2 = v1.withNonce(Hashes.sha256Hex("new device"));
    String name = "rotating" + Long.toHexString(System.nanoTime()) + ".eth";
    ens.register(name, plain);
    ens.setAddr(plain, name, v1.address());
    assertEquals(200, send("POST", "/profile/" + name, v1.profile().canonical(), null).statusCode());

    // The user rotated keys elsewhere and published the new profile in ENS: no token needed here.
    ens.setText(plain, name, PublishedProfiles.PROFILE_RECORD, "data:application/json," + v2.profile().canonical());
    assertEquals(200, send("POST", "/profile/" + name, v2.profile().canonical(), null).statusCode());
    assertEquals(v2.profile().canonical(), send("GET", "/profile/" + name, null, null).body());

    // The old profile is not what ENS publishes: refused.
    assertEquals(409, send("POST", "/profile/" + name, v1.profile().canonical(), null).statusCode());
    assertEquals(v2.profile().canonical(), send("GET", "/profile/" + name, null, null).body());
  }

  @Test
  void aReceiverSetsSpamRulesThatSubmitsAreJudgedByOnTheChain() throws Exception {
    WalletUser bob = WalletUser.create();
    WalletUser alice = WalletUser.create();
    assertEquals(200, TestClient.register(relay.baseUrl(), bob).statusCode());
    assertEquals(200, TestClient.register(relay.baseUrl(), alice).statusCode());
    String token = TestClient.login(relay.baseUrl(), bob);
    String rules = "/delivery/spamFilterRules/" + bob.name();
    byte[] relayKey = relay.identity().encryption().publicKey();
    chain.transfer(chain.account(0), alice.address(), java.math.BigInteger.valueOf(1_000));

    assertEquals("{}", send("GET", rules, null, token).body(), "no rules until set");
    assertEquals(401, send("GET", rules, null, null).statusCode());
    assertEquals(401, send("POST", rules, "{\"minNonce\":1}", TestClient.login(relay.baseUrl(), alice)).statusCode(), "only the receiver");
    for (String bad :
        List.of("{\"minNonce\":-1}", "{\"maxNonce\":1}", "[1]", "{\"minTokenBalance\":{\"address\":\"0x12\",\"amount\":\"1\"}}", "{\"minBalance\":\"ten\"}")) {
      HttpResponse<String> refused = send("POST", rules, bad, token);
      assertEquals(400, refused.statusCode(), bad);
      assertTrue(refused.body().contains("\"code\""), refused.body());
    }

    // alice holds 1,000 wei and has sent nothing: a nonce of 1 is more than she has
    HttpResponse<String> set = send("POST", rules, "{\"minNonce\":1,\"minBalance\":\"0x3e8\"}", token);
    assertEquals(200, set.statusCode(), set.body());
    assertEquals("{\"minBalance\":\"1000\",\"minNonce\":1}", set.body(), "stored as decimal strings, canonical");
    assertEquals(set.body(), send("GET", rules, null, token).body());
    HttpResponse<String> spam = send("POST", "/rpc", TestClient.envelope(alice, bob, relayKey, "hi").requestBody(), null);
    assertEquals(400, spam.statusCode(), spam.body());
    assertEquals(-32010, dev.dm3relay.protocol.json.Json.parse(spam.body()).path("error").path("code").asInt(), spam.body());

    assertEquals(200, send("POST", rules, "{\"minBalance\":\"1000\"}", token).statusCode());
    assertEquals(200, send("POST", "/rpc", TestClient.envelope(alice, bob, relayKey, "hi").requestBody(), null).statusCode(), "at the minimum passes");
    assertEquals(200, send("POST", rules, "{\"minBalance\":\"1001\"}", token).statusCode());
    assertEquals(400, send("POST", "/rpc", TestClient.envelope(alice, bob, relayKey, "again").requestBody(), null).statusCode());

    assertEquals(200, send("POST", rules, "{}", token).statusCode(), "{} clears the rules");
    assertEquals("{}", send("GET", rules, null, token).body());
    assertEquals(200, send("POST", "/rpc", TestClient.envelope(alice, bob, relayKey, "again").requestBody(), null).statusCode());
  }
}
