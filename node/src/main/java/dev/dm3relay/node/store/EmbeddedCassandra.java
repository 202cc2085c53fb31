package dev.dm3relay.node.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Cassandra 5.0 that the relay runs as a child JVM when no external cluster is
 * configured, and that the tests start once per test JVM.
 *
 * <p>Files under {@code dataDir}: {@code cassandra.pid} (pid of the running server),
 * {@code launch.properties} (the ports it was launched with), {@code conf/} (generated
 * cassandra.yaml and logback.xml), {@code logs/}, and Cassandra's own data directories.
 *
 * <p>{@link #startOrReuse} adopts a server a previous relay left running (pid file names a live
 * CassandraDaemon of this data dir, launched with the same ports, and CQL answers), so a crashed
 * or killed relay does not leave an orphan behind for long. Whoever holds the handle stops it.
 */
public final class EmbeddedCassandra implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedCassandra.class);
  private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
  static final String PID_FILE = "cassandra.pid";
  static final String LAUNCH_FILE = "launch.properties";
  /** Pids some handle in this JVM stopped, so other handles of the same server stay quiet. */
  private static final java.util.Set<Long> STOPPED_ON_PURPOSE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final EmbeddedCassandraSettings settings;
  private final ProcessHandle process;
  private final boolean reused;
  private final Duration startupTime;
  private volatile boolean stopped;

  private EmbeddedCassandra(
      EmbeddedCassandraSettings settings, ProcessHandle process, boolean reused, Duration took) {
    this.settings = settings;
    this.process = process;
    this.reused = reused;
    this.startupTime = took;
    // The relay does not restart a dead Cassandra (that could hide a crash loop); it says so loudly.
    process
        .onExit()
        .thenRun(
            () -> {
              if (!STOPPED_ON_PURPOSE.contains(process.pid())) {
                log.error(
                    "Embedded Cassandra pid {} exited unexpectedly; see {}",
                    process.pid(), settings.dataDir().resolve("logs"));
              }
            });
  }

  /** Reuses this data dir's running Cassandra if it is healthy, else launches a new one. */
  public static EmbeddedCassandra startOrReuse(EmbeddedCassandraSettings settings) {
    long began = System.nanoTime();
    Optional<ProcessHandle> previous = runningServer(settings.dataDir());
    if (previous.isPresent()) {
      ProcessHandle running = previous.get();
      if (launchedWithSamePorts(settings)) {
        // It may still be starting (relay killed during start-up): give it the usual time.
        if (awaitCql(settings, running, settings.startTimeout())) {
          Duration took = Duration.ofNanos(System.nanoTime() - began);
          log.info(
              "Reusing embedded Cassandra pid {} on {}:{} (data {})",
              running.pid(), settings.host(), settings.cqlPort(), settings.dataDir());
          return new EmbeddedCassandra(settings, running, true, took);
        }
        log.warn("Embedded Cassandra pid {} does not answer CQL; restarting it", running.pid());
      } else {
        log.info("Embedded Cassandra pid {} runs with other ports; restarting it", running.pid());
      }
      terminate(running, settings.stopTimeout());
    }
    if (CqlPing.answers(settings.host(), settings.cqlPort(), Duration.ofSeconds(1))) {
      // Not ours (no live pid file for this data dir): starting would fail on the port, and the
      // CQL check below would then be answered by the stranger.
      throw new IllegalStateException(
          "Port " + settings.cqlPort() + " on " + settings.host() + " already serves CQL for another Cassandra;"
              + " set CASSANDRA_EMBEDDED_CQL_PORT (and CASSANDRA_EMBEDDED_STORAGE_PORT) to free ports,"
              + " or CASSANDRA_CONTACT_POINTS to use that Cassandra");
    }
    ProcessHandle launched = launch(settings);
    if (!awaitCql(settings, launched, settings.startTimeout())) {
      boolean died = !launched.isAlive();
      terminate(launched, settings.stopTimeout());
      deleteQuietly(settings.dataDir().resolve(PID_FILE));
      throw new IllegalStateException(
          "Embedded Cassandra " + (died ? "exited" : "did not answer CQL within "
              + settings.startTimeout()) + "; last log lines:\n" + logTail(settings, 40));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    log.info(
        "Embedded Cassandra pid {} answers CQL on {}:{} after {} ms (data {})",
        launched.pid(), settings.host(), settings.cqlPort(), took.toMillis(), settings.dataDir());
    return new EmbeddedCassandra(settings, launched, false, took);
  }

  public EmbeddedCassandraSettings settings() {
    return settings;
  }

  public long pid() {
    return process.pid();
  }

  /** True when this handle adopted a server that was already running. */
  public boolean reused() {
    return reused;
  }

  /** Time from the call of {@link #startOrReuse} until CQL answered. */
  public Duration startupTime() {
    return startupTime;
  }

  public InetSocketAddress cqlAddress() {
    return new InetSocketAddress(settings.host(), settings.cqlPort());
  }

  /** "host:port", the form driver and Pekko config take. */
  public String contactPoint() {
    return settings.host() + ":" + settings.cqlPort();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** SIGTERM (Cassandra drains and flushes), then a kill after the stop timeout. Idempotent. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    long began = System.nanoTime();
    stopped = true;
    STOPPED_ON_PURPOSE.add(process.pid());
    terminate(process, settings.stopTimeout());
    deleteQuietly(settings.dataDir().resolve(PID_FILE));
    log.info(
        "Embedded Cassandra pid {} stopped after {} ms",
        process.pid(), Duration.ofNanos(System.nanoTime() - began).toMillis());
  }

  @Override
  public void close() {
    stop();
  }

  // ---------------------------------------------------------------------------------------------

  /** The live CassandraDaemon named by the pid file of this data dir, if any. */
  static Optional<ProcessHandle> runningServer(Path dataDir) {
    Path pidFile = dataDir.resolve(PID_FILE);
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      log.warn("Ignoring unreadable pid file {}", pidFile);
      return Optional.empty();
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isEmpty()) {
      log.info("Pid file {} names pid {}, which is gone", pidFile, pid);
      return Optional.empty();
    }
    // Pids get recycled: only adopt (and later kill) a process that is our Cassandra.
    Optional<String> commandLine = handle.get().info().commandLine();
    if (commandLine.isPresent()
        && !(commandLine.get().contains(MAIN_CLASS)
            && commandLine.get().contains(dataDir.resolve("conf").toString()))) {
      log.warn("Pid {} from {} is not this data dir's Cassandra; ignoring it", pid, pidFile);
      return Optional.empty();
    }
    return handle;
  }

  private static boolean launchedWithSamePorts(EmbeddedCassandraSettings settings) {
    Properties launched = new Properties();
    try (InputStream in = Files.newInputStream(settings.dataDir().resolve(LAUNCH_FILE))) {
      launched.load(in);
    } catch (IOException e) {
      return false;
    }
    return String.valueOf(settings.cqlPort()).equals(launched.getProperty("cql-port"))
        && String.valueOf(settings.storagePort()).equals(launched.getProperty("storage-port"));
  }

  private static boolean awaitCql(
      EmbeddedCassandraSettings settings, ProcessHandle process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      if (CqlPing.answers(settings.host(), settings.cqlPort(), Duration.ofSeconds(1))) {
        return true;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static ProcessHandle launch(EmbeddedCassandraSettings settings) {
    Path dataDir = settings.dataDir();
    Path conf = dataDir.resolve("conf");
    Path logs = dataDir.resolve("logs");
    try {
      Files.createDirectories(conf);
      Files.createDirectories(logs);
      Path yaml = conf.resolve("cassandra.yaml");
      Path logback = conf.resolve("logback.xml");
      writeAtomically(yaml, CassandraYaml.render(settings));
      writeAtomically(logback, CassandraYaml.logback());

      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xms" + settings.heap());
      command.add("-Xmx" + settings.heap());
      command.addAll(CassandraJvmOptions.JDK17);
      command.add("-XX:+ExitOnOutOfMemoryError");
      command.add("-Dcassandra.config=" + yaml.toUri());
      command.add("-Dlogback.configurationFile=" + logback.toUri());
      command.add("-Dcassandra.logdir=" + logs);
      command.add("-Dcassandra.storagedir=" + dataDir);
      command.add("-Dcassandra-foreground=yes");
      // A lone seed node has no gossip to wait for; this saves seconds on every start.
      command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
      if (settings.testMode()) {
        command.add("-Dcassandra.unsafesystem=true");
      }
      command.add("-cp");
      command.add(settings.serverLib().resolve("*").toString());
      command.add(MAIN_CLASS);

      Path stdout = logs.resolve("stdout.log");
      Process process =
          new ProcessBuilder(command)
              .directory(dataDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
              .start();
      writeAtomically(dataDir.resolve(PID_FILE), process.pid() + "\n");
      writeAtomically(
          dataDir.resolve(LAUNCH_FILE),
          "cql-port=" + settings.cqlPort() + "\nstorage-port=" + settings.storagePort() + "\n");
      log.info(
          "Launched embedded Cassandra pid {} (jars {}, data {})",
          process.pid(), settings.serverLib(), dataDir);
      return process.toHandle();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not launch embedded Cassandra in " + dataDir, e);
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static void terminate(ProcessHandle process, Duration timeout) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("Embedded Cassandra pid {} ignored SIGTERM for {}; killing it", process.pid(), timeout);
      process.destroyForcibly();
      process.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Could not delete {}", file, e);
    }
  }

  private static String logTail(EmbeddedCassandraSettings settings, int lines) {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("system.log", "stdout.log")) {
      Path file = settings.dataDir().resolve("logs").resolve(name);
      try {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        out.append("--- ").append(file).append('\n');
        all.subList(Math.max(0, all.size() - lines), all.size())
            .forEach(l -> out.append(l).append('\n'));
      } catch (IOException | UncheckedIOException e) {
        out.append("--- ").append(file).append(" (unreadable)\n");
      }
    }
    return out.toString();
  }
}
