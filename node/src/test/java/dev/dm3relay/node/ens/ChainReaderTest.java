package dev.dm3relay.node.ens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dm3relay.protocol.crypto.Hex;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link ChainReader} reads the error shapes JSON-RPC nodes use for a revert, which ganache
 * alone does not cover: geth's {@code {code: 3, data: "0x…"}}, data nested in an object, a revert
 * without data, and errors that are the endpoint's own. The endpoint here answers canned JSON.
 */
class ChainReaderTest {

  private static final String TO = "0x" + "11".repeat(20);

  private final AtomicReference<String> reply = new AtomicReference<>();
  private final AtomicReference<Integer> status = new AtomicReference<>(200);
  private HttpServer server;
  private ChainReader reader;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            long id = new ObjectMapper().readTree(exchange.getRequestBody()).path("id").asLong();
            byte[] body =
                reply.get().replace("\"id\":0", "\"id\":" + id).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.start();
    reader =
        ChainReader.connect(
            "http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(5), TestChain.ENS_DEFAULTS.maxRpcCallsInFlight());
  }

  @AfterEach
  void stop() {
    reader.close();
    server.stop(0);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ChainReader.CallOutcome callAnswering(String json) throws Exception {
    reply.set(json);
    return await(reader.call(TO, new byte[] {1, 2, 3, 4}));
  }

  @Test
  void aResultIsReturnedData() throws Exception {
    ChainReader.CallOutcome outcome =
        callAnswering("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"0xabcd\"}");
    assertArrayEquals(
        Hex.decode("abcd"),
        assertInstanceOf(ChainReader.CallOutcome.Returned.class, outcome).data());
  }

  @Test
  void gethStyleRevertDataIsARevert() throws Exception {
    ChainReader.CallOutcome outcome =
        callAnswering(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":3,\"message\":\"execution"
                + " reverted\",\"data\":\"0x556f1830\"}}");
    assertArrayEquals(
        Hex.decode("556f1830"),
        assertInstanceOf(ChainReader.CallOutcome.Reverted.class, outcome).data());
  }

  @Test
  void revertDataNestedInAnObjectIsFound() throws Exception {
    ChainReader.CallOutcome outcome =
        callAnswering(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32000,\"message\":\"reverted\",\"data\":{\"data\":\"0xbeef\"}}}");
    assertArrayEquals(
        Hex.decode("beef"),
        assertInstanceOf(ChainReader.CallOutcome.Reverted.class, outcome).data());
  }

  @Test
  void aRevertWithoutDataIsStillARevert() throws Exception {
    ChainReader.CallOutcome outcome =
        callAnswering(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32000,\"message\":\"execution"
                + " reverted\"}}");
    assertEquals(
        0, assertInstanceOf(ChainReader.CallOutcome.Reverted.class, outcome).data().length);
  }

  @Test
  void theEndpointsOwnErrorsFailTheStage() {
    for (String json :
        new String[] {
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32601,\"message\":\"method not"
              + " found\"}}",
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32005,\"message\":\"rate limit"
              + " exceeded\"}}",
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"not hex\"}",
        }) {
      ExecutionException failure =
          assertThrows(ExecutionException.class, () -> callAnswering(json));
      assertInstanceOf(ChainUnavailableException.class, failure.getCause(), json);
    }
    status.set(503);
    ExecutionException failure =
        assertThrows(
            ExecutionException.class,
            () -> callAnswering("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"0x\"}"));
    assertInstanceOf(ChainUnavailableException.class, failure.getCause());
  }

  @Test
  void quantitiesAreReadAsUnsignedHex() throws Exception {
    reply.set("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"0x1bc16d674ec80000\"}");
    assertEquals(new BigInteger("2000000000000000000"), await(reader.balance(TO)));
    reply.set(
        "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32000,\"message\":\"header not"
            + " found\"}}");
    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> await(reader.transactionCount(TO)));
    assertInstanceOf(ChainUnavailableException.class, failure.getCause());
  }

  @Test
  void callsBeyondTheBulkheadFailAtOnceAndTheirSlotsComeBack() throws Exception {
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger mostAtOnce = new AtomicInteger();
    AtomicInteger atOnce = new AtomicInteger();
    HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    java.util.concurrent.ExecutorService serverThreads = java.util.concurrent.Executors.newCachedThreadPool();
    slow.setExecutor(serverThreads);
    slow.createContext(
        "/",
        exchange -> {
          try (exchange) {
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            long id = new ObjectMapper().readTree(exchange.getRequestBody()).path("id").asLong();
            hold.await(20, TimeUnit.SECONDS);
            byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"0x01\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            atOnce.decrementAndGet();
          }
        });
    slow.start();
    try (ChainReader bounded = ChainReader.connect("http://127.0.0.1:" + slow.getAddress().getPort(), Duration.ofSeconds(20), 3)) {
      java.util.List<java.util.concurrent.CompletableFuture<ChainReader.CallOutcome>> calls = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(bounded.call(TO, new byte[] {1}).toCompletableFuture());
      }
      int refused = 0;
      for (var call : calls.subList(3, 10)) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> call.get(1, TimeUnit.SECONDS));
        assertInstanceOf(ChainBusyException.class, failure.getCause());
        refused++;
      }
      assertEquals(7, refused);
      assertEquals(3, bounded.callsInFlight());
      assertEquals(7, bounded.callsRefused());
      assertTrue(bounded.threads() <= 3, "threads: " + bounded.threads());
      calls.subList(0, 3).forEach(call -> assertTrue(!call.isDone(), "the first three wait for the RPC node"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (atOnce.get() < 3) {
        assertTrue(System.nanoTime() < deadline, "the three calls reach the RPC node");
        Thread.sleep(10);
      }

      hold.countDown();
      for (var call : calls.subList(0, 3)) {
        assertInstanceOf(ChainReader.CallOutcome.Returned.class, call.get(10, TimeUnit.SECONDS));
      }
      assertEquals(3, mostAtOnce.get());
      // A lookup's next call is made where the previous one completes: its slot is free by then,
      // even on a reader with room for one call.
      try (ChainReader single = ChainReader.connect("http://127.0.0.1:" + slow.getAddress().getPort(), Duration.ofSeconds(20), 1)) {
        ChainReader.CallOutcome second =
            await(single.call(TO, new byte[] {1}).thenCompose(first -> single.call(TO, new byte[] {2})));
        assertInstanceOf(ChainReader.CallOutcome.Returned.class, second);
      }
      assertEquals(0, bounded.callsInFlight());
    } finally {
      slow.stop(0);
      serverThreads.shutdownNow();
    }
  }
}
