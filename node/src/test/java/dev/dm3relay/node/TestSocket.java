package dev.dm3relay.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Socket.IO v4 client over the JDK's WebSocket, speaking the frames a dm3 messenger's
 * socket.io-client sends (Engine.IO 4, default namespace, auth in the CONNECT packet). Used where a
 * test must hold sockets inside the JVM; the stock npm client is exercised by the interop suite.
 */
public final class TestSocket implements AutoCloseable {

  private final WebSocket socket;
  private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> authorization = new CompletableFuture<>();
  /** "disconnect" when the server sent a Socket.IO DISCONNECT, else "closed <status> <reason>". */
  private final CompletableFuture<String> ended = new CompletableFuture<>();
  /** Whether the client keeps reading frames once authorized (false plays a client that stalls). */
  private volatile boolean reading = true;

  private TestSocket(String baseUrl, String ensName, String token) throws Exception {
    String url = baseUrl.replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket";
    String auth = "{\"account\":{\"ensName\":" + Json.quote(ensName) + "},\"token\":" + Json.quote(token) + "}";
    socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create(url), new Listener(auth))
            .get(10, TimeUnit.SECONDS);
  }

  /** Connects and waits for {@code authorized}; throws if the relay refuses the socket. */
  public static TestSocket connect(String baseUrl, String ensName, String token) throws Exception {
    TestSocket s = new TestSocket(baseUrl, ensName, token);
    String outcome = s.authorization.get(15, TimeUnit.SECONDS);
    if (!outcome.equals("authorized")) {
      s.close();
      throw new IllegalStateException("socket refused: " + outcome);
    }
    return s;
  }

  /** A socket that stops reading frames once it is authorized: its TCP window fills up. */
  public static TestSocket connectAndStall(String baseUrl, String ensName, String token) throws Exception {
    TestSocket s = new TestSocket(baseUrl, ensName, token);
    s.reading = false;
    String outcome = s.authorization.get(15, TimeUnit.SECONDS);
    if (!outcome.equals("authorized")) {
      s.close();
      throw new IllegalStateException("socket refused: " + outcome);
    }
    return s;
  }

  /** Connects and returns whatever the handshake ended in (authorized, refused …, closed …). */
  public static String tryConnect(String baseUrl, String ensName, String token) throws Exception {
    try (TestSocket s = new TestSocket(baseUrl, ensName, token)) {
      return s.authorization.get(15, TimeUnit.SECONDS);
    }
  }

  /** How the socket ended, once it has: "disconnect" or "closed <status> <reason>". */
  public String awaitEnd(Duration timeout) throws Exception {
    return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends one WebSocket text message as it is. */
  public void sendRaw(String text) throws Exception {
    socket.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  /** The next pushed envelope, or null when none arrives in time. */
  public JsonNode nextMessage(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private final class Listener implements WebSocket.Listener {
    private final String auth;
    private final StringBuilder partial = new StringBuilder();

    Listener(String auth) {
      this.auth = auth;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        handle(ws, partial.toString());
        partial.setLength(0);
      }
      if (reading || !authorization.isDone()) {
        ws.request(1);
      }
      return null;
    }

    private void handle(WebSocket ws, String frame) {
      if (frame.startsWith("0")) {
        ws.sendText("40" + auth, true); // Engine.IO open → Socket.IO CONNECT with auth
      } else if (frame.equals("2")) {
        ws.sendText("3", true); // ping → pong
      } else if (frame.equals("41")) {
        ended.complete("disconnect");
      } else if (frame.startsWith("44")) {
        authorization.complete("refused " + frame.substring(2));
      } else if (frame.startsWith("42")) {
        JsonNode event = Json.parse(frame.substring(2));
        String name = event.path(0).asText();
        if (name.equals("authorized") || name.equals("unauthorized")) {
          authorization.complete(name);
        } else if (name.equals("message")) {
          messages.add(event.path(1));
        }
      }
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      authorization.complete("error " + error);
      ended.complete("error " + error);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      authorization.complete("closed " + status + " " + reason);
      ended.complete("closed " + status + " " + reason);
      return null;
    }
  }

  @Override
  public void close() {
    socket.abort();
  }
}
