package dev.dm3relay.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.node.Relay;
import dev.dm3relay.node.RelayConfig;
import dev.dm3relay.node.TestClient.Submission;
import dev.dm3relay.node.TestClient;
import dev.dm3relay.node.TestRelays;
import dev.dm3relay.protocol.sender.WalletUser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With its Cassandra stopped, a relay refuses submits quickly with 503 (never a 200 it could not
 * keep, never a hang), and it recovers by itself once Cassandra is back. Uses a Cassandra of its
 * own: the test JVM's shared one must stay up for the other tests.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class CassandraOutageTest {

  @Test
  void submitsFailFastWhileCassandraIsDownAndRecoverAfter() throws Exception {
    Path dir = Path.of("target", "test-data", "outage-" + UUID.randomUUID());
    CassandraSettings settings = CassandraSettings.from(RelayConfig.load(EmbeddedCassandraExtension.testCassandraConfig(dir)));
    CassandraStorage cassandra = CassandraStorage.start(settings);
    try (Relay relay =
        TestRelays.start(cassandra.contactPoints(), Map.of("dm3relay.cassandra.keyspace", EmbeddedCassandraExtension.KEYSPACE))) {
      String base = relay.baseUrl();
      byte[] key = relay.identity().encryption().publicKey();
      WalletUser receiver = WalletUser.create();
      WalletUser sender = WalletUser.create();
      assertEquals(200, TestClient.register(base, receiver).statusCode());
      Submission before = TestClient.envelope(sender, receiver, key, "before the outage");
      assertEquals(200, TestClient.send(base, "POST", "/rpc", before.requestBody(), null).statusCode());

      cassandra.close(); // SIGTERM to the Cassandra JVM; returns once it has exited
      long stoppedAt = System.currentTimeMillis();
      long detectedAfter = -1;
      long maxRefusalMs = 0;

      // Until the relay has noticed (two missed one-second pings), a submit may wait for the
      // journal; after that every submit is refused at once. None may ever be accepted.
      List<Long> slowAfterDetection = new ArrayList<>();
      int refused = 0;
      long detectionDeadline = System.currentTimeMillis() + 15_000;
      long end = System.currentTimeMillis() + 25_000;
      boolean detected = false;
      while (System.currentTimeMillis() < end) {
        long began = System.currentTimeMillis();
        HttpResponse<String> response =
            TestClient.send(base, "POST", "/rpc", TestClient.envelope(sender, receiver, key, "during").requestBody(), null);
        long took = System.currentTimeMillis() - began;
        assertTrue(response.statusCode() != 200, "accepted while Cassandra is down: " + response.body());
        assertEquals(503, response.statusCode(), response.body());
        refused++;
        if (detected) {
          maxRefusalMs = Math.max(maxRefusalMs, took);
        }
        if (took < 1000 && !detected) {
          detected = true;
          detectedAfter = System.currentTimeMillis() - stoppedAt;
        } else if (detected && took >= 1000) {
          slowAfterDetection.add(took);
        }
        assertTrue(detected || System.currentTimeMillis() < detectionDeadline, "submits still slow 15 s into the outage");
        Thread.sleep(200);
      }
      assertTrue(detected, "the relay never refused a submit quickly");
      assertTrue(slowAfterDetection.isEmpty(), "slow refusals after detection: " + slowAfterDetection);
      assertTrue(refused > 10, "refusals: " + refused);

      cassandra = CassandraStorage.start(settings); // same data dir: the same keyspace and journal
      long backAt = System.currentTimeMillis();
      long recoveryDeadline = System.currentTimeMillis() + 120_000;
      Submission after = TestClient.envelope(sender, receiver, key, "after the outage");
      int status;
      do {
        Thread.sleep(500);
        status = TestClient.send(base, "POST", "/rpc", after.requestBody(), null).statusCode();
      } while (status != 200 && System.currentTimeMillis() < recoveryDeadline);
      assertEquals(200, status, "the relay did not recover within 120 s of Cassandra's return");
      String report =
          String.format(
              "cassandra outage: %d submits refused with 503, none accepted; fast refusals from %d ms after the stop,"
                  + " slowest refusal after that %d ms; first accepted submit %d ms after Cassandra answered again",
              refused, detectedAfter, maxRefusalMs, System.currentTimeMillis() - backAt);
      System.out.println(report);
      java.nio.file.Files.writeString(Path.of("target", "cassandra-outage-report.txt"), report + "\n");
      List<String> stored = TestClient.incomingHashes(base, receiver, TestClient.login(base, receiver));
      assertTrue(stored.contains(before.ackHash()) && stored.contains(after.ackHash()), stored.toString());
      assertEquals(2, stored.size(), "nothing refused during the outage was stored: " + stored);
    } finally {
      cassandra.close();
    }
  }
}
