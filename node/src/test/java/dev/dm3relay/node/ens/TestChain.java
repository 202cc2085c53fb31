package dev.dm3relay.node.ens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * A real local Ethereum chain for the tests: ganache 7.9 from {@code node/src/test/chain}
 * (installed by the Maven build), started once per test JVM on a free loopback port with its
 * deterministic accounts, and stopped when the run ends. Test contracts come from {@code
 * test-contracts.json}, compiled from {@code node/src/test/chain/contracts} by the same build step.
 */
public final class TestChain implements AutoCloseable {

  /** ens.conf's settings, without this machine's environment; tests change what they need. */
  static final EnsConfig ENS_DEFAULTS =
      EnsConfig.from(dev.dm3relay.node.RelayConfig.load(com.typesafe.config.ConfigFactory.empty(), java.util.Map.of()));

  /**
   * JUnit glue: {@code @ExtendWith(TestChain.Extension.class)} and take a {@code TestChain}
   * parameter.
   */
  public static final class Extension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(TestChain.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == TestChain.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context
          .getRoot()
          .getStore(NAMESPACE)
          .getOrComputeIfAbsent(TestChain.class, k -> start(), TestChain.class);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BigInteger GAS = BigInteger.valueOf(6_000_000);

  private final Process process;
  private final String rpcUrl;
  private final Web3j web3j;
  private final List<String> accounts;
  private final JsonNode contracts;

  private TestChain(Process process, String rpcUrl, List<String> accounts, JsonNode contracts) {
    this.process = process;
    this.rpcUrl = rpcUrl;
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.accounts = accounts;
    this.contracts = contracts;
  }

  static TestChain start() {
    Path chainDir = chainDir();
    Path cli = chainDir.resolve("node_modules/ganache/dist/node/cli.js");
    if (!Files.isRegularFile(cli)) {
      throw new IllegalStateException(
          cli + " is missing: run the Maven build (generate-test-resources installs it)");
    }
    JsonNode contracts = loadContracts();
    int port = freePort();
    Path logFile = Path.of("target", "ganache-" + port + ".log");
    try {
      Files.createDirectories(logFile.getParent());
      Process process =
          new ProcessBuilder(
                  "node",
                  cli.toString(),
                  "--server.host",
                  "127.0.0.1",
                  "--server.port",
                  Integer.toString(port),
                  "--wallet.deterministic",
                  "--chain.chainId",
                  "1337",
                  "--logging.quiet")
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .start();
      // Should the JVM end without JUnit closing the store (an interrupted run), ganache still
      // goes.
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-ganache"));
      String rpcUrl = "http://127.0.0.1:" + port;
      List<String> accounts = awaitAccounts(process, rpcUrl, logFile);
      return new TestChain(process, rpcUrl, accounts, contracts);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start ganache", e);
    }
  }

  private static Path chainDir() {
    for (Path candidate : List.of(Path.of("src/test/chain"), Path.of("node/src/test/chain"))) {
      if (Files.isDirectory(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "node/src/test/chain not found from " + Path.of("").toAbsolutePath());
  }

  private static JsonNode loadContracts() {
    try (InputStream in = TestChain.class.getResourceAsStream("test-contracts.json")) {
      if (in == null) {
        throw new IllegalStateException(
            "test-contracts.json is missing: run the Maven build (generate-test-resources compiles"
                + " it)");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    return dev.dm3relay.node.TestPorts.free();
  }

  private static List<String> awaitAccounts(Process process, String rpcUrl, Path logFile)
      throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(rpcUrl))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_accounts\",\"params\":[]}"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("ganache exited: " + Files.readString(logFile));
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode result = JSON.readTree(response.body()).path("result");
        if (result.isArray() && result.size() > 0) {
          return Arrays.stream(JSON.treeToValue(result, String[].class)).toList();
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "ganache did not answer within 40 s: " + Files.readString(logFile));
  }

  String rpcUrl() {
    return rpcUrl;
  }

  /** Ganache's deterministic, unlocked account {@code i} (0–9), each starting with 1000 ETH. */
  String account(int i) {
    return accounts.get(i);
  }

  /** Deploys a test contract from account 0 and returns its address. */
  String deploy(String contract, Type<?>... constructorArguments) {
    JsonNode compiled = contracts.get(contract);
    if (compiled == null) {
      throw new IllegalArgumentException("no compiled contract " + contract);
    }
    String data =
        compiled.get("bytecode").asText()
            + FunctionEncoder.encodeConstructor(List.of(constructorArguments));
    TransactionReceipt receipt =
        mined(
            Transaction.createContractTransaction(
                account(0), null, null, GAS, BigInteger.ZERO, data));
    return receipt.getContractAddress();
  }

  /** Sends {@code function(arguments)} to {@code to} from account 0 and waits for it to succeed. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  void send(String to, String function, Type<?>... arguments) {
    String data =
        FunctionEncoder.encode(new Function(function, (List) List.of(arguments), List.of()));
    mined(Transaction.createFunctionCallTransaction(account(0), null, null, GAS, to, data));
  }

  void transfer(String from, String to, BigInteger wei) {
    mined(Transaction.createEtherTransaction(from, null, null, GAS, to, wei));
  }

  private TransactionReceipt mined(Transaction transaction) {
    try {
      EthSendTransaction sent = web3j.ethSendTransaction(transaction).send();
      if (sent.hasError()) {
        throw new IllegalStateException("transaction refused: " + sent.getError().getMessage());
      }
      // ganache mines each transaction before answering, so the receipt is there at once.
      TransactionReceipt receipt =
          web3j
              .ethGetTransactionReceipt(sent.getTransactionHash())
              .send()
              .getTransactionReceipt()
              .orElseThrow();
      if (!receipt.isStatusOK()) {
        throw new IllegalStateException("transaction reverted: " + receipt);
      }
      return receipt;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
