package dev.dm3relay.node.ens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dm3relay.node.Relay;
import dev.dm3relay.node.TestClient;
import dev.dm3relay.node.TestRelays;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.sender.WalletUser;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A relay whose Ethereum RPC node hangs: name lookups take at most {@code max-rpc-calls-in-flight}
 * threads and calls, the rest are answered 503 at once, other clients are served meanwhile, and a
 * refusal is not remembered as the name's answer. The RPC endpoint here holds every request until
 * the test lets it answer (an empty registry: no name resolves).
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class SlowRpcTest {

  private static final int MAX_RPC_CALLS = 2;
  private static final int LOOKUPS = 12;

  private static HttpServer rpc;
  private static ExecutorService rpcThreads;
  private static final AtomicInteger concurrent = new AtomicInteger();
  private static final AtomicInteger mostConcurrent = new AtomicInteger();
  private static volatile CountDownLatch hold = new CountDownLatch(1);
  private static Relay relay;

  @BeforeAll
  static void start() throws Exception {
    rpc = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    rpcThreads = Executors.newCachedThreadPool();
    rpc.setExecutor(rpcThreads);
    rpc.createContext(
        "/",
        exchange -> {
          try (exchange) {
            int now = concurrent.incrementAndGet();
            mostConcurrent.accumulateAndGet(now, Math::max);
            long id = new ObjectMapper().readTree(exchange.getRequestBody()).path("id").asLong();
            hold.await(30, TimeUnit.SECONDS);
            byte[] body =
                ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"0x" + "0".repeat(64) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            concurrent.decrementAndGet();
          }
        });
    rpc.start();
    relay =
        TestRelays.start(
            Map.of(
                "dm3relay.ens.rpc", "http://127.0.0.1:" + rpc.getAddress().getPort(),
                "dm3relay.ens.max-rpc-calls-in-flight", MAX_RPC_CALLS,
                "dm3relay.ens.lookup-timeout-seconds", 3,
                "dm3relay.ens.rpc-timeout-seconds", 20));
  }

  @AfterAll
  static void stop() {
    hold.countDown();
    if (relay != null) {
      relay.close();
    }
    rpc.stop(0);
    rpcThreads.shutdownNow();
  }

  @Test
  void aHangingRpcNodeHoldsAtMostItsCallsAndTheRestAreRefusedAtOnce() throws Exception {
    WalletUser canary = WalletUser.create(); // <address>.addr.dm3.eth: resolves without the chain
    List<String> refusedAtOnce = new ArrayList<>();
    assertEquals(200, TestClient.register(relay.baseUrl(), canary).statusCode());
    ExecutorService clients = Executors.newFixedThreadPool(LOOKUPS);
    try {
      List<CompletableFuture<Long>> answeredAfterMs = new ArrayList<>();
      for (int i = 0; i < LOOKUPS; i++) {
        String name = "slow" + i + ".eth";
        answeredAfterMs.add(
            CompletableFuture.supplyAsync(
                () -> {
                  long began = System.nanoTime();
                  assertEquals(503, status("/profile/" + name), name);
                  return Duration.ofNanos(System.nanoTime() - began).toMillis();
                },
                clients));
      }
      Thread.sleep(500);
      assertEquals(200, TestClient.send(relay.baseUrl(), "GET", "/profile/" + canary.name(), null, null).statusCode());
      for (int i = 0; i < LOOKUPS; i++) {
        if (answeredAfterMs.get(i).get(20, TimeUnit.SECONDS) < 2_000) {
          refusedAtOnce.add("slow" + i + ".eth");
        }
      }
      int atOnce = refusedAtOnce.size();
      assertEquals(MAX_RPC_CALLS, mostConcurrent.get(), "the RPC node saw at most the bulkhead's calls at once");
      assertEquals(LOOKUPS - MAX_RPC_CALLS, atOnce, "every lookup beyond the bulkhead answered before the 3 s deadline");
      long rpcThreadsNow =
          Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("dm3-ens-rpc-")).count();
      assertTrue(rpcThreadsNow <= MAX_RPC_CALLS, "threads calling the RPC node: " + rpcThreadsNow);
    } finally {
      clients.shutdownNow();
    }

    // Once the RPC node answers, a name that was refused is looked up (the refusal was not kept as
    // its answer): an empty registry resolves nothing, which is a 400.
    hold.countDown();
    // the held calls finish; a name never asked before answers once the bulkhead has room again
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int probe = 0;
    while (status("/profile/probe" + probe + ".eth") != 400) {
      assertTrue(System.nanoTime() < deadline, "the RPC node answers again, and so does the relay");
      probe++;
      Thread.sleep(50);
    }
    for (String name : refusedAtOnce) {
      assertEquals(400, status("/profile/" + name), name + " was refused, not answered: it is looked up now");
    }
  }

  private static int status(String path) {
    try {
      HttpResponse<String> response = TestClient.send(relay.baseUrl(), "GET", path, null, null);
      return response.statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
