package dev.dm3relay.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A relay node in its own JVM, as in production: started with environment variables, stopped with
 * SIGTERM (coordinated shutdown) or killed with SIGKILL, and restarted on the same ports.
 */
public final class RelayProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Map<String, String> env;
  private final Path log;
  private final int httpPort;
  private final int managementPort;
  private Process process;

  public RelayProcess(String name, Map<String, String> env, Path logDir) {
    this.name = name;
    this.env = Map.copyOf(env);
    this.log = logDir.resolve(name + ".log");
    this.httpPort = Integer.parseInt(env.get("PORT"));
    this.managementPort = Integer.parseInt(env.get("MANAGEMENT_PORT"));
  }

  public String name() {
    return name;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  public String managementUrl() {
    return "http://127.0.0.1:" + managementPort;
  }

  public synchronized void start() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    if (env.containsKey("LOG_FORMAT")) {
      // the relay's own logging configuration, as in production, not the tests' (which is first
      // on this class path)
      command.add("-Dlogback.configurationFile=logback.xml");
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    // Every node's clients here are on 127.0.0.1: the per-client limits are off unless a test sets them.
    for (String limit :
        List.of("RATE_LIMIT_IP", "RATE_LIMIT_SENDER", "RATE_LIMIT_RECIPIENT", "RATE_LIMIT_AUTH", "RATE_LIMIT_SIGNUP",
            "MAX_CONNECTIONS_PER_IP", "LIVE_MAX_SOCKETS_PER_IP")) {
      builder.environment().putIfAbsent(limit, "0");
    }
    builder.environment().putIfAbsent("WARMUP_DURATION", "0s"); // multi-JVM tests start nodes often
    try {
      Files.createDirectories(log.getParent());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code /ready} answers 200 (member, sharding, Cassandra, HTTP all up). */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> ready =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(managementUrl() + "/ready")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
  }

  /** SIGKILL: no coordinated shutdown, no goodbye to the cluster. */
  public synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: coordinated shutdown hands the node's shards over, then the JVM exits. */
  public synchronized void stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
