package dev.dm3relay.node.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs {@code src/test/js/live-driver.mjs} under Node.js: the stock npm {@code socket.io-client}
 * (installed by the Maven build with {@code npm ci}) and a raw WebSocket, steered by JSON lines.
 */
public final class NodeDriver implements AutoCloseable {

  private final Process process;
  private final OutputStream commands;
  private final List<JsonNode> seen = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();

  public NodeDriver() throws IOException, InterruptedException {
    Path dir = Path.of(System.getProperty("basedir", "."), "src", "test", "js");
    if (!Files.isDirectory(dir.resolve("node_modules").resolve("socket.io-client"))) {
      throw new IllegalStateException(
          "socket.io-client is not installed in " + dir + ": run the Maven build (npm ci)");
    }
    process =
        new ProcessBuilder("node", "live-driver.mjs")
            .directory(dir.toFile())
            .redirectErrorStream(false)
            .start();
    commands = process.getOutputStream();
    Thread out = new Thread(this::readObservations, "node-driver-stdout");
    out.setDaemon(true);
    out.start();
    Thread err = new Thread(this::readStderr, "node-driver-stderr");
    err.setDaemon(true);
    err.start();
    await(o -> o.path("type").asText().equals("ready"), Duration.ofSeconds(20));
  }

  private void readObservations() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode observation;
        try {
          observation = Json.parse(line);
        } catch (RuntimeException notJson) {
          observation = Json.newObject().put("type", "stdout").put("line", line);
        }
        synchronized (seen) {
          seen.add(observation);
          seen.notifyAll();
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  private void readStderr() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (stderr) {
          stderr.append(line).append('\n');
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  public void send(ObjectNode command) {
    try {
      commands.write(
          (Json.mapper().writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
      commands.flush();
    } catch (IOException e) {
      throw new IllegalStateException("node driver is gone; stderr:\n" + stderr(), e);
    }
  }

  public static ObjectNode command(String op, String id) {
    ObjectNode c = Json.newObject().put("op", op);
    if (id != null) {
      c.put("id", id);
    }
    return c;
  }

  /** Waits for the first observation, in arrival order, that matches; fails on timeout. */
  public JsonNode await(Predicate<JsonNode> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (seen) {
      while (true) {
        for (JsonNode o : seen) {
          if (o.path("type").asText().equals("driver_error")) {
            throw new AssertionError("node driver error: " + o.path("message").asText());
          }
          if (match.test(o)) {
            return o;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "no matching observation within "
                  + timeout
                  + "; seen: "
                  + seen
                  + "\nstderr: "
                  + stderr());
        }
        try {
          seen.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** Waits for an observation of {@code type} for socket {@code id}. */
  public JsonNode await(String id, String type, Duration timeout) {
    return await(
        o -> id.equals(o.path("id").asText()) && type.equals(o.path("type").asText()), timeout);
  }

  /** Everything seen so far for socket {@code id}, in order. */
  List<JsonNode> seenFor(String id) {
    synchronized (seen) {
      return seen.stream().filter(o -> id.equals(o.path("id").asText())).toList();
    }
  }

  boolean hasSeen(String id, String type) {
    return seenFor(id).stream().anyMatch(o -> type.equals(o.path("type").asText()));
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      send(command("exit", null));
    } catch (RuntimeException ignored) {
      // already gone
    }
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
