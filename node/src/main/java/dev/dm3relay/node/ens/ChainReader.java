package dev.dm3relay.node.ens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dm3relay.protocol.crypto.Hex;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.CompletionStage;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;

/**
 * The reads the relay makes on Ethereum, over web3j: {@code eth_call} with reverts told apart from
 * transport failures, {@code eth_getTransactionCount} and {@code eth_getBalance}, all at {@code
 * latest}. A stage fails with {@link ChainUnavailableException} only when the endpoint gave no
 * usable answer; a contract that reverts is an answer ({@link CallOutcome.Reverted}).
 *
 * <p>A bulkhead bounds the calls in flight. web3j's {@code sendAsync} runs every request as a
 * blocking call on an unbounded cached thread pool, so a slow RPC node would mean one blocked
 * thread per call in flight, without limit. Here calls run blocking on this reader's own pool of
 * at most {@code maxCallsInFlight} threads, and a call beyond that fails at once (the API's 503):
 * the node stays responsive and the RPC node is not buried deeper.
 */
public final class ChainReader implements AutoCloseable {

  private static final ObjectMapper JSON = dev.dm3relay.protocol.json.Json.boundedMapper();

  private final Web3j web3j;
  private final int maxCallsInFlight;
  private final Semaphore slots;
  private final ThreadPoolExecutor calls;
  private final LongAdder refused = new LongAdder();

  public ChainReader(Web3jService service, int maxCallsInFlight) {
    if (maxCallsInFlight < 1) {
      throw new IllegalArgumentException("ENS_MAX_RPC_CALLS_IN_FLIGHT must be positive");
    }
    this.web3j = Web3j.build(service);
    this.maxCallsInFlight = maxCallsInFlight;
    this.slots = new Semaphore(maxCallsInFlight);
    AtomicInteger threadNumber = new AtomicInteger();
    // the queue never holds more than the free slots allow: a call takes a slot before it is queued
    this.calls =
        new ThreadPoolExecutor(
            maxCallsInFlight,
            maxCallsInFlight,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, "dm3-ens-rpc-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.calls.allowCoreThreadTimeOut(true);
  }

  /**
   * A reader of the JSON-RPC endpoint at {@code rpcUrl}; each request gives up after {@code
   * timeout}, and at most {@code maxCallsInFlight} run at once.
   */
  public static ChainReader connect(String rpcUrl, Duration timeout, int maxCallsInFlight) {
    OkHttpClient http =
        new OkHttpClient.Builder()
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .callTimeout(timeout)
            .build();
    return new ChainReader(new HttpService(rpcUrl, http), maxCallsInFlight);
  }

  /** Calls running or queued for a thread now. */
  public int callsInFlight() {
    return maxCallsInFlight - slots.availablePermits();
  }

  /** Calls refused at once because {@code maxCallsInFlight} were running. */
  public long callsRefused() {
    return refused.sum();
  }

  /** Threads the reader holds now (never more than {@code maxCallsInFlight}). */
  int threads() {
    return calls.getPoolSize();
  }

  /** What an {@code eth_call} came back with. */
  public sealed interface CallOutcome {
    /**
     * The call returned normally; {@code data} may be empty (for example, no code at the address).
     */
    record Returned(byte[] data) implements CallOutcome {}

    /** The call reverted; {@code data} is the revert data, empty when the node gave none. */
    record Reverted(byte[] data) implements CallOutcome {}
  }

  public CompletionStage<CallOutcome> call(String to, byte[] data) {
    Transaction tx = Transaction.createEthCallTransaction(null, to, Hex.prefixed(data));
    return send("eth_call", () -> web3j.ethCall(tx, DefaultBlockParameterName.LATEST).send())
        .thenApply(
            response -> {
              if (response.hasError()) {
                return revertOrFail(response.getError());
              }
              String result = response.getResult();
              return new CallOutcome.Returned(
                  result == null ? new byte[0] : hex(result, "eth_call"));
            });
  }

  public CompletionStage<BigInteger> transactionCount(String address) {
    return send(
            "eth_getTransactionCount",
            () ->
                web3j.ethGetTransactionCount(address, DefaultBlockParameterName.LATEST).send())
        .thenApply(response -> quantity(response, "eth_getTransactionCount"));
  }

  public CompletionStage<BigInteger> balance(String address) {
    return send(
            "eth_getBalance",
            () -> web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST).send())
        .thenApply(response -> quantity(response, "eth_getBalance"));
  }

  @Override
  public void close() {
    calls.shutdownNow();
    web3j.shutdown();
  }

  /** A blocking web3j request. */
  private interface Call<R> {
    R send() throws Exception;
  }

  private <R> CompletionStage<R> send(String method, Call<R> request) {
    if (!slots.tryAcquire()) {
      refused.increment();
      return CompletableFuture.failedFuture(
          new ChainBusyException(method + " refused: " + maxCallsInFlight + " calls to the RPC endpoint are in flight"));
    }
    CompletableFuture<R> result = new CompletableFuture<>();
    try {
      calls.execute(
          () -> {
            R response;
            try {
              response = request.send();
            } catch (Throwable failure) {
              slots.release();
              result.completeExceptionally(new ChainUnavailableException(method + " failed: " + failure, failure));
              return;
            }
            // the slot is free before the continuations run here: a lookup's next call needs one
            slots.release();
            result.complete(response);
          });
    } catch (RejectedExecutionException e) {
      // closed
      slots.release();
      return CompletableFuture.failedFuture(new ChainUnavailableException(method + " could not be sent: the reader is closed", e));
    }
    return result;
  }

  private static BigInteger quantity(Response<String> response, String method) {
    if (response.hasError()) {
      throw new ChainUnavailableException(method + " failed: " + describe(response.getError()));
    }
    String result = response.getResult();
    if (result == null || !result.startsWith("0x") || result.length() < 3) {
      throw new ChainUnavailableException(method + " returned no quantity: " + result);
    }
    try {
      return new BigInteger(result.substring(2), 16);
    } catch (NumberFormatException e) {
      throw new ChainUnavailableException(method + " returned no quantity: " + result, e);
    }
  }

  /**
   * Nodes report a revert as a JSON-RPC error whose {@code data} is the revert data: geth and
   * ganache as a hex string, some providers nested in an object. An error without revert data is
   * still a revert when the node says so; any other error is the endpoint's, not the contract's.
   */
  private static CallOutcome revertOrFail(Response.Error error) {
    String data = revertDataOf(error.getData());
    if (data != null) {
      return new CallOutcome.Reverted(hex(data, "eth_call revert data"));
    }
    String message = error.getMessage() == null ? "" : error.getMessage().toLowerCase(Locale.ROOT);
    if (message.contains("revert")) {
      return new CallOutcome.Reverted(new byte[0]);
    }
    throw new ChainUnavailableException("eth_call failed: " + describe(error));
  }

  private static String revertDataOf(String rawData) {
    if (rawData == null || rawData.isBlank()) {
      return null;
    }
    if (isHex(rawData)) {
      return rawData;
    }
    try {
      return revertDataOf(JSON.readTree(rawData), 0);
    } catch (IOException e) {
      return null;
    }
  }

  private static String revertDataOf(JsonNode node, int depth) {
    if (node == null || depth > 3) {
      return null;
    }
    if (node.isTextual()) {
      return isHex(node.asText()) ? node.asText() : null;
    }
    if (node.isObject()) {
      for (String field : new String[] {"data", "originalError", "error"}) {
        String found = revertDataOf(node.get(field), depth + 1);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static boolean isHex(String text) {
    if (!text.startsWith("0x") || text.length() % 2 != 0) {
      return false;
    }
    for (int i = 2; i < text.length(); i++) {
      char c = text.charAt(i);
      // ASCII only: Character.digit would take other scripts' digits too
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  private static byte[] hex(String text, String what) {
    if (!isHex(text)) {
      throw new ChainUnavailableException(what + " is not hex: " + abbreviate(text));
    }
    return Hex.decode(text);
  }

  private static String describe(Response.Error error) {
    return error.getCode() + " " + error.getMessage();
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }
}
