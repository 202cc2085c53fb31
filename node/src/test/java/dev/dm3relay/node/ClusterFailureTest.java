package dev.dm3relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.TestClient.Submission;
import dev.dm3relay.node.identity.IdentityStore;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three relay nodes in three JVMs forming one cluster through Cluster Bootstrap, on the test JVM's
 * real Cassandra. Live delivery crosses nodes; a node killed with SIGKILL and a rolling restart of
 * all three lose no envelope that was answered with 200, and duplicate none.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailureTest {

  private static final int NODES = 3;
  private static final int SHARDS = 1000; // pekko.cluster.sharding.number-of-shards default
  private static final List<RelayProcess> nodes = new ArrayList<>();
  private static final String ADMIN_TOKEN = "cluster-test-admin-token-0123456789";
  private static DeliveryServiceIdentity identity;

  @BeforeAll
  static void startCluster() throws Exception {
    Path dir = Path.of("target", "test-data", "cluster-" + UUID.randomUUID()).toAbsolutePath();
    Path identityFile = dir.resolve("identity.json");
    identity = IdentityStore.fromFile(identityFile);
    int[] management = new int[NODES];
    StringBuilder contactPoints = new StringBuilder();
    for (int i = 0; i < NODES; i++) {
      management[i] = freePort();
      contactPoints.append(i == 0 ? "" : ",").append("127.0.0.1:").append(management[i]);
    }
    for (int i = 0; i < NODES; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("DATA_DIR", dir.resolve("node" + (i + 1)).toString());
      env.put("IDENTITY_FILE", identityFile.toString());
      env.put("CASSANDRA_CONTACT_POINTS", String.join(",", EmbeddedCassandraExtension.storage().contactPoints()));
      env.put("CASSANDRA_KEYSPACE", EmbeddedCassandraExtension.KEYSPACE);
      env.put("CASSANDRA_APPLY_SCHEMA", "never");
      env.put("PORT", String.valueOf(freePort()));
      env.put("RELAY_REMOTING_PORT", String.valueOf(freePort()));
      env.put("MANAGEMENT_PORT", String.valueOf(management[i]));
      env.put("DISCOVERY_METHOD", "config");
      env.put("CLUSTER_CONTACT_POINTS", contactPoints.toString());
      env.put("REQUIRED_CONTACT_POINT_NR", String.valueOf(NODES));
      env.put("SBR_STABLE_AFTER", "5s");
      env.put("PEKKO_LOGLEVEL", "INFO");
      env.put("ADMIN_TOKEN", ADMIN_TOKEN);
      if (i == NODES - 1) {
        env.put("LOG_FORMAT", "json"); // the last node logs as a pod does
      }
      nodes.add(new RelayProcess("node" + (i + 1), env, dir));
    }
    nodes.forEach(RelayProcess::start);
    for (RelayProcess node : nodes) {
      node.awaitReady(Duration.ofMinutes(3));
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (RelayProcess node : nodes) {
      node.close();
    }
  }

  private static int freePort() {
    return TestPorts.free();
  }

  /** The node whose Mailbox region hosts the shard of {@code address}'s mailbox. */
  private static int ownerOf(String address) throws Exception {
    String shard = String.valueOf(Math.abs(address.hashCode() % SHARDS));
    for (int i = 0; i < nodes.size(); i++) {
      HttpResponse<String> shards = TestClient.send(nodes.get(i).managementUrl(), "GET", "/cluster/shards/Mailbox", null, null);
      for (JsonNode region : Json.parse(shards.body()).path("regions")) {
        if (region.path("shardId").asText().equals(shard)) {
          return i;
        }
      }
    }
    throw new IllegalStateException("no node hosts shard " + shard);
  }

  @Test
  @Order(1)
  void aSocketOnOneNodeGetsAMessageStoredOnAnotherAndSubmittedToTheThird() throws Exception {
    WalletUser receiver = WalletUser.create();
    WalletUser sender = WalletUser.create();
    assertEquals(200, TestClient.register(nodes.get(0).baseUrl(), receiver).statusCode());
    int b = ownerOf(receiver.address());
    int a = (b + 1) % NODES;
    int c = (b + 2) % NODES;
    String token = TestClient.login(nodes.get(a).baseUrl(), receiver);
    try (TestSocket socket = TestSocket.connect(nodes.get(a).baseUrl(), receiver.name(), token)) {
      Submission submission = TestClient.envelope(sender, receiver, identity.encryption().publicKey(), "across three nodes");
      HttpResponse<String> accepted = TestClient.send(nodes.get(c).baseUrl(), "POST", "/rpc", submission.requestBody(), null);
      assertEquals(200, accepted.statusCode(), accepted.body());
      JsonNode pushed = socket.nextMessage(Duration.ofSeconds(10));
      assertNotNull(pushed, "no live message on node " + (a + 1) + " (mailbox on node " + (b + 1) + ", submitted to node " + (c + 1) + ")");
      assertEquals(submission.ackHash(), pushed.path("metadata").path("messageHash").asText());
      assertTrue(pushed.path("postmark").isTextual());
    }
  }

  /**
   * No blind window after {@code authorized}: the stock socket.io-client connects to one node, and
   * as soon as it hears {@code authorized} envelopes are submitted through a third node while the
   * mailbox lives on the second; repeated with fresh sockets, every one must be pushed.
   */
  @Test
  @Order(1)
  void everyMessageAcceptedAfterAuthorizedReachesASocketOnAnotherNode() throws Exception {
    WalletUser receiver = WalletUser.create();
    WalletUser sender = WalletUser.create();
    assertEquals(200, TestClient.register(nodes.get(0).baseUrl(), receiver).statusCode());
    int b = ownerOf(receiver.address());
    int a = (b + 1) % NODES;
    int c = (b + 2) % NODES;
    String token = TestClient.login(nodes.get(a).baseUrl(), receiver);
    int rounds = 5;
    int perRound = 4;
    try (dev.dm3relay.node.socketio.NodeDriver client = new dev.dm3relay.node.socketio.NodeDriver()) {
      for (int round = 0; round < rounds; round++) {
        String id = "r" + round;
        var auth = Json.newObject();
        auth.putObject("account").put("ensName", receiver.name());
        auth.put("token", token);
        var connect = dev.dm3relay.node.socketio.NodeDriver.command("connect", id).put("url", nodes.get(a).baseUrl());
        connect.set("auth", auth);
        client.send(connect);
        client.await(
            o -> id.equals(o.path("id").asText()) && o.path("type").asText().equals("event") && o.path("event").asText().equals("authorized"),
            Duration.ofSeconds(20));
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < perRound; i++) {
          Submission submission =
              TestClient.envelope(sender, receiver, identity.encryption().publicKey(), "round " + round + " message " + i);
          HttpResponse<String> accepted = TestClient.send(nodes.get(c).baseUrl(), "POST", "/rpc", submission.requestBody(), null);
          assertEquals(200, accepted.statusCode(), accepted.body());
          hashes.add(submission.ackHash());
        }
        for (String hash : hashes) {
          JsonNode pushed =
              client.await(
                  o -> id.equals(o.path("id").asText())
                      && o.path("event").asText().equals("message")
                      && hash.equals(o.path("args").path(0).path("metadata").path("messageHash").asText()),
                  Duration.ofSeconds(10));
          assertNotNull(pushed, "round " + round + ": envelope " + hash + " accepted after authorized was not pushed");
        }
        client.send(dev.dm3relay.node.socketio.NodeDriver.command("close", id));
      }
    }
  }

  @Test
  @Order(3)
  void aLargeMailboxIsListedThroughAnotherNode() throws Exception {
    // 2,000 index entries are ~400 KB: more than Artery's ordinary 256 KiB frame, so the list
    // reply crosses nodes on the large-message lane.
    WalletUser receiver = WalletUser.create();
    // two conversations: the incoming window holds up to 1001 envelopes of each
    List<WalletUser> twoSenders = List.of(WalletUser.create(), WalletUser.create());
    assertEquals(200, TestClient.register(nodes.get(0).baseUrl(), receiver).statusCode());
    int owner = ownerOf(receiver.address());
    int other = (owner + 1) % NODES;
    int count = 2000;
    ExecutorService senders = Executors.newFixedThreadPool(8);
    List<java.util.concurrent.Future<Integer>> statuses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      statuses.add(
          senders.submit(
              () ->
                  TestClient.send(
                          nodes.get(owner).baseUrl(),
                          "POST",
                          "/rpc",
                          TestClient.envelope(twoSenders.get(n % 2), receiver, identity.encryption().publicKey(), "bulk " + n).requestBody(),
                          null)
                      .statusCode()));
    }
    for (java.util.concurrent.Future<Integer> status : statuses) {
      assertEquals(200, status.get(2, TimeUnit.MINUTES));
    }
    senders.shutdown();
    String base = nodes.get(other).baseUrl();
    List<String> listed = TestClient.incomingHashes(base, receiver, TestClient.login(base, receiver));
    assertEquals(count, listed.size());
  }

  /** Submits at a steady rate, round robin over the nodes, and remembers every 200. */
  private static final class SteadyLoad implements AutoCloseable {
    final Map<String, List<String>> acceptedByReceiver = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<long[]> failures = new ConcurrentLinkedQueue<>(); // {time ms, status}
    final AtomicLong sent = new AtomicLong();
    final AtomicLong rerouted = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService workers = Executors.newFixedThreadPool(8);
    private final Thread pacer;

    SteadyLoad(List<WalletUser> senders, List<WalletUser> receivers, int perSecond) {
      pacer =
          new Thread(
              () -> {
                long interval = 1_000_000_000L / perSecond;
                long next = System.nanoTime();
                int n = 0;
                while (running.get() && n < perSecond * 600) { // bounded: at most 10 minutes
                  long now = System.nanoTime();
                  if (now < next) {
                    try {
                      Thread.sleep((next - now) / 1_000_000, (int) ((next - now) % 1_000_000));
                    } catch (InterruptedException e) {
                      return;
                    }
                    continue;
                  }
                  next += interval;
                  int i = n++;
                  WalletUser from = senders.get(i % senders.size());
                  WalletUser to = receivers.get((i / senders.size()) % receivers.size());
                  RelayProcess node = nodes.get(i % nodes.size());
                  workers.submit(() -> submit(node, from, to, i));
                }
              },
              "steady-load");
      pacer.start();
    }

    /**
     * Like a client behind a load balancer: a refused connection (the node is down, the request
     * never reached it) goes to the next node; anything the relay answered counts as it is.
     */
    private void submit(RelayProcess first, WalletUser from, WalletUser to, int i) {
      sent.incrementAndGet();
      Submission submission = TestClient.envelope(from, to, identity.encryption().publicKey(), "load " + i);
      int start = nodes.indexOf(first);
      for (int attempt = 0; attempt < nodes.size(); attempt++) {
        RelayProcess node = nodes.get((start + attempt) % nodes.size());
        try {
          HttpResponse<String> response = TestClient.send(node.baseUrl(), "POST", "/rpc", submission.requestBody(), null);
          if (response.statusCode() == 200) {
            acceptedByReceiver
                .computeIfAbsent(to.address(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(submission.ackHash());
          } else {
            failures.add(new long[] {System.currentTimeMillis(), response.statusCode()});
          }
          return;
        } catch (java.net.ConnectException refused) {
          rerouted.incrementAndGet();
        } catch (Exception e) {
          // sent but no answer (e.g. the node died mid-request): the outcome is unknown to the client
          failures.add(new long[] {System.currentTimeMillis(), -1});
          return;
        }
      }
      failures.add(new long[] {System.currentTimeMillis(), -2});
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      pacer.join();
      workers.shutdown();
      workers.awaitTermination(60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(2)
  void killingANodeAndRestartingAllLosesNoAcceptedEnvelope() throws Exception {
    List<WalletUser> receivers = new ArrayList<>();
    List<WalletUser> senders = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      WalletUser r = WalletUser.create();
      assertEquals(200, TestClient.register(nodes.get(i % NODES).baseUrl(), r).statusCode());
      receivers.add(r);
      senders.add(WalletUser.create());
    }
    long started = System.currentTimeMillis();
    long killedAt;
    long backAt;
    long rollingStarted;
    long rollingDone;
    SteadyLoad load = new SteadyLoad(senders, receivers, 40);
    try {
      Thread.sleep(5000);
      killedAt = System.currentTimeMillis();
      nodes.get(1).kill();
      Thread.sleep(8000);
      nodes.get(1).start();
      nodes.get(1).awaitReady(Duration.ofMinutes(3));
      backAt = System.currentTimeMillis();
      Thread.sleep(3000);
      rollingStarted = System.currentTimeMillis();
      for (RelayProcess node : nodes) {
        node.stop();
        node.start();
        node.awaitReady(Duration.ofMinutes(3));
        Thread.sleep(2000);
      }
      rollingDone = System.currentTimeMillis();
      Thread.sleep(3000);
    } finally {
      load.close();
    }

    int accepted = 0;
    for (WalletUser receiver : receivers) {
      List<String> expected = load.acceptedByReceiver.getOrDefault(receiver.address(), List.of());
      accepted += expected.size();
      String base = nodes.get(0).baseUrl();
      List<String> stored = TestClient.incomingHashes(base, receiver, TestClient.login(base, receiver));
      for (String hash : expected) {
        assertEquals(1, java.util.Collections.frequency(stored, hash), "envelope " + hash + " of " + receiver.address());
      }
      assertEquals(stored.size(), new java.util.HashSet<>(stored).size(), "no duplicates in " + receiver.address());
    }
    List<long[]> failures = new ArrayList<>(load.failures);
    String report =
        String.format(
            "cluster failure run: %d sent, %d accepted (all found exactly once), %d failed, %d rerouted after a refused connection; kill at +%d ms, node back at +%d ms,"
                + " rolling restart +%d..+%d ms; failure times (ms since start, status): %s",
            load.sent.get(),
            accepted,
            failures.size(),
            load.rerouted.get(),
            killedAt - started,
            backAt - started,
            rollingStarted - started,
            rollingDone - started,
            failureWindows(failures, started));
    System.out.println(report);
    java.nio.file.Files.writeString(Path.of("target", "cluster-failure-report.txt"), report + "\n");
    assertTrue(accepted > 0, report);
    // Behind a load balancer, clients see few failures: only requests in flight on a dying node and
    // those waiting for a killed node's shards to move past the ask timeout.
    assertTrue(failures.size() < load.sent.get() / 10, report);
  }

  /**
   * Failures grouped into windows (gaps over 2 s split them), as "start..end:count[statuses]";
   * status -1 = no answer to a sent request, -2 = no node accepted the connection.
   */
  private static String failureWindows(List<long[]> failures, long origin) {
    failures.sort((x, y) -> Long.compare(x[0], y[0]));
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < failures.size()) {
      long windowStart = failures.get(i)[0];
      long windowEnd = windowStart;
      java.util.Map<Long, Integer> statuses = new java.util.TreeMap<>();
      int count = 0;
      while (i < failures.size() && failures.get(i)[0] - windowEnd <= 2000) {
        windowEnd = failures.get(i)[0];
        statuses.merge(failures.get(i)[1], 1, Integer::sum);
        count++;
        i++;
      }
      out.append(String.format("[+%d..+%d ms: %d %s] ", windowStart - origin, windowEnd - origin, count, statuses));
    }
    return out.length() == 0 ? "none" : out.toString().trim();
  }

  @Test
  @Order(4)
  void aSenderBlockedOnOneNodeIsRefusedOnEveryNodeWithinSeconds() throws Exception {
    WalletUser spammer = WalletUser.create();
    WalletUser receiver = WalletUser.create();
    assertEquals(200, TestClient.register(nodes.get(0).baseUrl(), receiver).statusCode());
    byte[] key = identity.encryption().publicKey();
    assertEquals(200, TestClient.send(nodes.get(2).baseUrl(), "POST", "/rpc", TestClient.envelope(spammer, receiver, key, "before").requestBody(), null).statusCode());

    assertEquals(200, TestClient.send(nodes.get(0).managementUrl(), "PUT", "/admin/blocked-senders/" + spammer.address(), null, ADMIN_TOKEN).statusCode());
    long blockedAt = System.nanoTime();
    for (int i = 1; i < NODES; i++) {
      RelayProcess node = nodes.get(i);
      int status = 0;
      while (status != 403) {
        assertTrue(System.nanoTime() - blockedAt < Duration.ofSeconds(10).toNanos(), "node " + (i + 1) + " still takes the blocked sender");
        status = TestClient.send(node.baseUrl(), "POST", "/rpc", TestClient.envelope(spammer, receiver, key, "after " + System.nanoTime()).requestBody(), null).statusCode();
        if (status != 403) {
          Thread.sleep(100);
        }
      }
    }
    System.out.printf("a block on node 1 held on nodes 2 and 3 after %d ms%n", Duration.ofNanos(System.nanoTime() - blockedAt).toMillis());

    JsonNode cluster = Json.parse(TestClient.send(nodes.get(2).managementUrl(), "GET", "/admin/cluster", null, ADMIN_TOKEN).body());
    assertEquals(NODES, cluster.get("members").size(), cluster.toString());
    int shards = 0;
    for (JsonNode member : cluster.get("members")) {
      assertEquals("up", member.get("status").asText());
      shards += member.get("shards").asInt();
    }
    assertTrue(shards > 0, "the members host the mailbox shards: " + cluster);

    assertEquals(200, TestClient.send(nodes.get(1).managementUrl(), "DELETE", "/admin/blocked-senders/" + spammer.address(), null, ADMIN_TOKEN).statusCode());

    // the JSON-logging node: one object per line, access lines with their fields, the audit line
    List<String> lines = java.nio.file.Files.readAllLines(nodes.get(NODES - 1).log());
    int access = 0;
    for (String line : lines) {
      if (line.startsWith("{")) {
        JsonNode event = Json.parse(line);
        assertTrue(event.has("@timestamp") && event.has("level") && event.has("logger_name"), line);
        if (event.path("logger_name").asText().equals("dm3relay.access")) {
          access++;
          assertTrue(event.path("route").asText().startsWith("/") || event.path("route").asText().equals("(unmatched)"), line);
          assertTrue(!line.contains(receiver.address().toLowerCase()), "no name in an access line: " + line);
        }
      }
    }
    assertTrue(access > 0, "access lines in the JSON log");
    assertTrue(lines.stream().noneMatch(l -> l.contains("|-WARN") || l.contains("|-INFO")), "no logback status dump");
  }
}
