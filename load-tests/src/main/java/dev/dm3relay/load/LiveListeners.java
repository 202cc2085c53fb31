package dev.dm3relay.load;

import dev.dm3relay.protocol.sender.WalletUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Socket.IO v4 connection per recipient, speaking Engine.IO over a plain WebSocket as a dm3
 * messenger's socket.io-client does: open, CONNECT with the account and its token, answer every
 * ping. A pushed {@code message} event is matched by its message hash to the moment the submit was
 * sent ({@link #markSent}), which gives the submit → push latency.
 *
 * <p>The JDK client is used rather than Gatling's WebSocket DSL because the latency spans two
 * connections (HTTP submit, socket push) and a Gatling WebSocket check only times from a frame the
 * same virtual user sent.
 */
public final class LiveListeners implements AutoCloseable {

  private static final String MESSAGE_EVENT = "42[\"message\",";
  private static final String HASH_FIELD = "\"messageHash\":\"";

  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final LongAdder unmatched = new LongAdder();
  private final LongAdder disconnects = new LongAdder();
  private final List<WebSocket> sockets = new ArrayList<>();
  private volatile boolean closing;

  /** Connects and authenticates every recipient; fails if one is not authorized within the timeout. */
  public LiveListeners(URI wsBase, List<WalletUser> recipients, List<String> tokens, Duration timeout) {
    this(List.of(wsBase), recipients, tokens, timeout);
  }

  /** As above, recipient i connecting to {@code wsBases[i % n]} (the nodes of a cluster in turn). */
  public LiveListeners(List<URI> wsBases, List<WalletUser> recipients, List<String> tokens, Duration timeout) {
    wsBases.forEach(BenchConfig::requireLocalUnlessAllowed);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<URI> endpoints = wsBases.stream().map(b -> URI.create(b + "/socket.io/?EIO=4&transport=websocket")).toList();
    List<CompletableFuture<Void>> authorized = new ArrayList<>();
    for (int i = 0; i < recipients.size(); i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      authorized.add(done);
      Listener listener = new Listener(recipients.get(i).name(), tokens.get(i), done);
      URI endpoint = endpoints.get(i % endpoints.size());
      sockets.add(http.newWebSocketBuilder().buildAsync(endpoint, listener).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join());
    }
    CompletableFuture.allOf(authorized.toArray(CompletableFuture[]::new)).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /** Call right before the submit of {@code messageHash} is sent. */
  public void markSent(String messageHash) {
    sentAt.put(messageHash, System.nanoTime());
  }

  public LatencyHistogram latency() {
    return latency;
  }

  /** Submits whose push has not arrived (yet). */
  public int pending() {
    return sentAt.size();
  }

  public long unmatched() {
    return unmatched.sum();
  }

  public long disconnects() {
    return disconnects.sum();
  }

  /** Waits up to {@code grace} for pushes still on their way; bounded, never forever. */
  public void drain(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    while (!sentAt.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    for (WebSocket socket : sockets) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").orTimeout(2, TimeUnit.SECONDS).exceptionally(f -> null);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final String name;
    private final String token;
    private final CompletableFuture<Void> authorized;
    private final StringBuilder partial = new StringBuilder();

    Listener(String name, String token, CompletableFuture<Void> authorized) {
      this.name = name;
      this.token = token;
      this.authorized = authorized;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        onFrame(socket, frame, System.nanoTime());
      }
      socket.request(1);
      return null;
    }

    private void onFrame(WebSocket socket, String frame, long now) {
      if (frame.startsWith(MESSAGE_EVENT)) {
        int at = frame.indexOf(HASH_FIELD);
        String hash = at < 0 ? null : frame.substring(at + HASH_FIELD.length(), frame.indexOf('"', at + HASH_FIELD.length()));
        Long start = hash == null ? null : sentAt.remove(hash);
        if (start == null) {
          unmatched.increment();
        } else {
          latency.record(now - start);
        }
      } else if (frame.equals("2")) {
        socket.sendText("3", true); // Engine.IO pong: without it the relay drops the socket after pingTimeout
      } else if (frame.startsWith("0")) {
        socket.sendText("40{\"account\":{\"ensName\":\"" + name + "\"},\"token\":\"" + token + "\"}", true);
      } else if (frame.startsWith("42[\"authorized\"")) {
        authorized.complete(null);
      } else if (frame.startsWith("44") || frame.startsWith("42[\"unauthorized\"")) {
        authorized.completeExceptionally(new IllegalStateException(name + " refused: " + frame));
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
      if (!closing) {
        disconnects.increment();
      }
      authorized.completeExceptionally(new IllegalStateException(name + " closed: " + status + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      if (!closing) {
        disconnects.increment();
      }
      authorized.completeExceptionally(error);
    }
  }
}
