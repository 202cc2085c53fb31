package dev.dm3relay.node.ens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.Hex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * A CCIP-read gateway for {@code OffchainResolver}, on the JDK's HTTP server: it takes the
 * resolver's {@code resolve(bytes name, bytes data)} call data by GET ({@code /get/{sender}/{data}}
 * with an optional {@code .json}) or POST ({@code /post}, JSON {@code {data, sender}}), answers
 * {@code addr} and {@code text} from its own records, and wraps the answer as the test resolver's
 * callback expects: {@code abi.encode(bytes result, bytes32 keccak256(callData))}. {@code
 * /fail500/…} always answers 500, {@code /missing/…} 404, and {@code /redirect/<n>/…} redirects n
 * times before answering, {@code /drip/…} sends a correct answer one byte every 300 ms (a
 * gateway that never quite finishes). ABI work here uses web3j's codec, not the relay's.
 */
final class TestGateway implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request the gateway saw. */
  record Hit(String method, String path, String sender, String name) {}

  private final HttpServer server;
  private final Map<String, String> addresses = new ConcurrentHashMap<>();
  private final Map<String, String> texts = new ConcurrentHashMap<>();
  final List<Hit> hits = new CopyOnWriteArrayList<>();

  TestGateway() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    // Threads of its own: a dripping reply must not hold up the others.
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-gateway");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  void setAddr(String name, String address) {
    addresses.put(name, address);
  }

  void setText(String name, String key, String value) {
    texts.put(name + "\u0000" + key, value);
  }

  List<Hit> hitsFor(String name) {
    return hits.stream().filter(h -> name.equals(h.name())).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String sender;
      String data;
      if (exchange.getRequestMethod().equals("POST")) {
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        sender = body.path("sender").asText();
        data = body.path("data").asText();
      } else {
        String[] parts = path.split("/");
        sender = parts[parts.length - 2];
        data = parts[parts.length - 1].replaceFirst("\\.json$", "");
      }
      byte[] callData = Hex.decode(data);
      String name = nameOf(callData);
      hits.add(new Hit(exchange.getRequestMethod(), path, sender, name));
      if (path.startsWith("/fail500/")) {
        reply(exchange, 500, "{\"message\":\"broken on purpose\"}");
        return;
      }
      if (path.startsWith("/redirect/")) {
        // /redirect/<n>/<sender>/<data>: n more redirects before the answer
        String[] parts = path.split("/");
        int left = Integer.parseInt(parts[2]);
        if (left > 0) {
          exchange
              .getResponseHeaders()
              .set("Location", "/redirect/" + (left - 1) + "/" + sender + "/" + data);
          exchange.sendResponseHeaders(302, -1);
          return;
        }
      }
      if (path.startsWith("/missing/")) {
        reply(exchange, 404, "{\"message\":\"no such record\"}");
        return;
      }
      byte[] result = answer(callData, name);
      String wrapped =
          FunctionEncoder.encodeConstructor(
              List.of(new DynamicBytes(result), new Bytes32(Hashes.keccak256(callData))));
      String body = JSON.createObjectNode().put("data", "0x" + wrapped).toString();
      if (path.startsWith("/drip/")) {
        drip(exchange, body.getBytes(StandardCharsets.UTF_8));
        return;
      }
      reply(exchange, 200, body);
    } catch (RuntimeException e) {
      reply(exchange, 400, JSON.createObjectNode().put("message", e.toString()).toString());
    }
  }

  /** The name in {@code resolve(bytes name, bytes data)}, from its DNS wire format. */
  private static String nameOf(byte[] callData) {
    List<Type> args = resolveArguments(callData);
    byte[] dns = ((DynamicBytes) args.get(0)).getValue();
    List<String> labels = new ArrayList<>();
    int at = 0;
    while (dns[at] != 0) {
      labels.add(new String(dns, at + 1, dns[at], StandardCharsets.UTF_8));
      at += dns[at] + 1;
    }
    return String.join(".", labels);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static List<Type> resolveArguments(byte[] callData) {
    if (!Arrays.equals(Arrays.copyOf(callData, 4), Hex.decode("9061b923"))) {
      throw new IllegalArgumentException("not resolve(bytes,bytes)");
    }
    String arguments = Hex.prefixed(Arrays.copyOfRange(callData, 4, callData.length));
    return FunctionReturnDecoder.decode(
        arguments,
        (List) List.of(new TypeReference<DynamicBytes>() {}, new TypeReference<DynamicBytes>() {}));
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private byte[] answer(byte[] callData, String name) {
    byte[] inner = ((DynamicBytes) resolveArguments(callData).get(1)).getValue();
    String selector = Hex.plain(Arrays.copyOf(inner, 4));
    String encoded;
    if (selector.equals("3b3b57de")) {
      String address = addresses.getOrDefault(name, "0x0000000000000000000000000000000000000000");
      encoded = FunctionEncoder.encodeConstructor(List.of(new Address(address)));
    } else if (selector.equals("59d1d43c")) {
      List<Type> args =
          FunctionReturnDecoder.decode(
              Hex.prefixed(Arrays.copyOfRange(inner, 4, inner.length)),
              (List) List.of(new TypeReference<Bytes32>() {}, new TypeReference<Utf8String>() {}));
      String key = ((Utf8String) args.get(1)).getValue();
      encoded =
          FunctionEncoder.encodeConstructor(
              List.of(new Utf8String(texts.getOrDefault(name + "\u0000" + key, ""))));
    } else {
      throw new IllegalArgumentException("unsupported record " + selector);
    }
    return Hex.decode(encoded);
  }

  private static void drip(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try {
      for (byte b : body) {
        exchange.getResponseBody().write(b);
        exchange.getResponseBody().flush();
        Thread.sleep(300);
      }
    } catch (InterruptedException | IOException gone) {
      // the client gave up, as it should
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
