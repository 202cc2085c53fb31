package dev.dm3relay.node.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Mailboxes on the real embedded Cassandra: what a relay restart, acks, quota and TTL do. */
@ExtendWith(EmbeddedCassandraExtension.class)
class MailboxCassandraTest {

  private static final SecureRandom random = new SecureRandom();

  private static String newAddress() {
    byte[] bytes = new byte[20];
    random.nextBytes(bytes);
    return MailboxAddress.checksummed("0x" + HexFormat.of().formatHex(bytes));
  }

  private static IncomingEnvelope envelope(String address, String sender, String hash) {
    return new IncomingEnvelope(
        address.toLowerCase() + "," + sender,
        sender,
        hash,
        "{\"message\":\"" + "x".repeat(200) + "\",\"metadata\":{\"messageHash\":\"" + hash + "\"}}");
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void restartRecoversEveryBufferedMessageAndAcksStayDeleted() throws Exception {
    String alice = newAddress();
    try (RelayNode node = RelayNode.start("restart-1")) {
      await(node.mailboxes.registerProfile(alice, "{\"profile\":\"alice\"}"));
      for (int i = 0; i < 30; i++) {
        String sender = List.of("bob.eth", "carol.eth", "dave.eth").get(i % 3);
        assertFalse(await(node.mailboxes.buffer(alice, envelope(alice, sender, "0x" + i))).duplicate());
      }
      assertTrue(await(node.mailboxes.acknowledge(alice, "bob.eth", "0x0")).removed());
      assertTrue(await(node.mailboxes.acknowledge(alice, "carol.eth", "0x1")).removed());
      assertFalse(await(node.mailboxes.acknowledge(alice, "bob.eth", "0xunknown")).removed());
      // Any case of the address reaches the same mailbox.
      assertTrue(await(node.mailboxes.buffer(alice.toLowerCase(), envelope(alice, "bob.eth", "0x3"))).duplicate());
    }

    try (RelayNode node = RelayNode.start("restart-2")) {
      List<Mailboxes.StoredEnvelope> listed = await(node.mailboxes.listIncoming(alice));
      Set<String> hashes =
          listed.stream().map(e -> e.message().messageHash()).collect(Collectors.toSet());
      assertEquals(28, hashes.size());
      assertFalse(hashes.contains("0x0"));
      assertFalse(hashes.contains("0x1"));
      for (Mailboxes.StoredEnvelope e : listed) {
        assertTrue(e.json().contains(e.message().messageHash()), "body belongs to its index entry");
      }
      Mailbox.Account account = await(node.mailboxes.account(alice));
      assertEquals("{\"profile\":\"alice\"}", account.signedProfileJson());
      assertEquals(28, account.messageCount());

      // Idempotent across the restart too.
      Mailbox.Buffered again = await(node.mailboxes.buffer(alice, envelope(alice, "dave.eth", "0x2")));
      assertTrue(again.duplicate());
      assertEquals(28, await(node.mailboxes.account(alice)).messageCount());
    }

    try (CqlSession session = EmbeddedCassandraExtension.storage().openSession(Duration.ofSeconds(10))) {
      assertNull(bodyRow(session, alice, "0x0"), "acked body deleted");
      assertTrue(bodyRow(session, alice, "0x5") != null);
    }
  }

  @Test
  void quotaRefusesAndExpiredMessagesAreRemovedByTheEntity() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    String bob = newAddress();
    Map<String, Object> limits =
        Map.of("dm3relay.mailbox.max-messages", 3, "dm3relay.mailbox.message-ttl-days", 30);
    try (RelayNode node = RelayNode.start("limits", limits, clock)) {
      await(node.mailboxes.buffer(bob, envelope(bob, "eve.eth", "0xa")));
      clock.advance(Duration.ofDays(20));
      await(node.mailboxes.buffer(bob, envelope(bob, "eve.eth", "0xb")));
      await(node.mailboxes.buffer(bob, envelope(bob, "eve.eth", "0xc")));
      ExecutionException full =
          assertThrows(
              ExecutionException.class, () -> await(node.mailboxes.buffer(bob, envelope(bob, "eve.eth", "0xd"))));
      assertTrue(full.getCause().getMessage().startsWith("mailbox quota exceeded: 3 messages"), full.getCause().getMessage());

      try (CqlSession session = EmbeddedCassandraExtension.storage().openSession(Duration.ofSeconds(10))) {
        Row ttl =
            session.execute(
                    "SELECT TTL(envelope) AS ttl FROM " + EmbeddedCassandraExtension.KEYSPACE
                        + ".envelope_bodies WHERE mailbox = ? AND body_key = ?", bob, "0xb")
                .one();
        assertTrue(ttl.getInt("ttl") > Duration.ofDays(30).toSeconds(), "body carries TTL + grace");
      }

      clock.advance(Duration.ofDays(11)); // 0xa is 31 days old
      assertEquals(1, await(node.mailboxes.expire(bob)).count());
      assertEquals(2, await(node.mailboxes.account(bob)).messageCount());
      assertFalse(await(node.mailboxes.buffer(bob, envelope(bob, "eve.eth", "0xd"))).duplicate());
    }
    try (RelayNode node = RelayNode.start("limits-2", limits, clock)) {
      List<String> left =
          await(node.mailboxes.listIncoming(bob)).stream().map(e -> e.message().messageHash()).toList();
      assertEquals(Set.of("0xb", "0xc", "0xd"), Set.copyOf(left));
    }
  }

  @Test
  void mailboxWithFiveThousandPendingMessagesRecoversWellUnderASecond() throws Exception {
    String carol = newAddress();
    String drained = newAddress();
    int count = 5_000;
    long writeMillis;
    try (RelayNode node = RelayNode.start("deep-1")) {
      long began = System.nanoTime();
      List<CompletableFuture<Mailbox.Buffered>> pending = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        pending.add(
            node.mailboxes
                .buffer(carol, envelope(carol, "sender" + (i % 50) + ".eth", "0x" + i))
                .toCompletableFuture());
        if (pending.size() >= 500) { // well inside the stash capacity (4096) and the ask timeout
          CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
          pending.clear();
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      writeMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      assertEquals(count, await(node.mailboxes.account(carol)).messageCount());

      // Another deep mailbox that has been mostly drained: 5,000 in, 4,000 acked. Its journal
      // holds ack events and range deletes behind snapshots; recovery must not read through them.
      List<CompletableFuture<Mailbox.Buffered>> more = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        more.add(node.mailboxes.buffer(drained, envelope(drained, "s.eth", "0x" + i)).toCompletableFuture());
        if (more.size() >= 500) {
          CompletableFuture.allOf(more.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
          more.clear();
        }
      }
      CompletableFuture.allOf(more.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      for (int from = 0; from < 4_000; from += 500) {
        List<Mailbox.Ack> acks = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          acks.add(new Mailbox.Ack("s.eth", "0x" + i));
        }
        assertEquals(500, await(node.mailboxes.acknowledgeAll(drained, acks)));
      }
    }

    try (RelayNode node = RelayNode.start("deep-2")) {
      // Warm the node (driver session, shard coordinator) on another mailbox first, so the
      // measurement is the deep mailbox's own recovery.
      await(node.mailboxes.account(newAddress()));
      long began = System.nanoTime();
      Mailbox.Account account = await(node.mailboxes.account(carol));
      long recoveryMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      assertEquals(count, account.messageCount());

      began = System.nanoTime();
      assertEquals(1_000, await(node.mailboxes.account(drained)).messageCount());
      long drainedRecoveryMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      List<Mailboxes.StoredEnvelope> left = await(node.mailboxes.listIncoming(drained));
      assertEquals(1_000, left.size());
      assertTrue(left.stream().allMatch(e -> Integer.parseInt(e.message().messageHash().substring(2)) >= 4_000));

      long snapshotBytes;
      try (CqlSession session = EmbeddedCassandraExtension.storage().openSession(Duration.ofSeconds(10))) {
        Row snapshot =
            session.execute(
                    "SELECT snapshot_data FROM " + EmbeddedCassandraExtension.KEYSPACE
                        + ".snapshots WHERE persistence_id = ? LIMIT 1", "Mailbox|" + carol)
                .one();
        snapshotBytes = snapshot.getByteBuffer("snapshot_data").remaining();
      }
      System.out.printf(
          "5,000 messages buffered in %d ms (%.0f/s); recovery of the 5,000-message mailbox %d ms;"
              + " latest snapshot %d bytes; recovery of a 5,000-in/4,000-acked mailbox %d ms%n",
          writeMillis, count * 1000.0 / writeMillis, recoveryMillis, snapshotBytes, drainedRecoveryMillis);
      assertTrue(recoveryMillis < 1000, "recovery took " + recoveryMillis + " ms");
      assertTrue(drainedRecoveryMillis < 1000, "recovery took " + drainedRecoveryMillis + " ms");
    }
  }

  @Test
  void mailboxesPassivateBeyondTheActiveLimitAndWhenIdle() throws Exception {
    Map<String, Object> quickPassivation =
        Map.of(
            "pekko.cluster.sharding.passivation.default-strategy.idle-entity.timeout", "3s",
            "pekko.cluster.sharding.passivation.default-strategy.active-entity-limit", 20,
            // The limit is split evenly over the active shards: few shards keep it meaningful
            // at this small scale (production: 10,000 over 1,000 shards).
            "pekko.cluster.sharding.number-of-shards", 5);
    try (RelayNode node = RelayNode.start("passivation", quickPassivation, Clock.systemUTC())) {
      List<CompletableFuture<Mailbox.Account>> woken = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        woken.add(node.mailboxes.account(newAddress()).toCompletableFuture());
      }
      CompletableFuture.allOf(woken.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      int awake = liveMailboxes(node);
      System.out.printf("50 mailboxes woken, %d alive (active-entity-limit 20)%n", awake);
      assertTrue(awake > 0 && awake <= 20, "live mailboxes bounded by the limit: " + awake);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      int live;
      do {
        Thread.sleep(500);
        live = liveMailboxes(node);
      } while (live > 0 && System.nanoTime() < deadline);
      assertEquals(0, live, "idle mailboxes stopped");
    }
  }

  private static int liveMailboxes(RelayNode node) {
    TestProbe<CurrentShardRegionState> probe = TestProbe.create(node.system);
    ClusterSharding.get(node.system)
        .shardState()
        .tell(new GetShardRegionState(Mailbox.ENTITY_TYPE_KEY, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5)).getShards().stream()
        .mapToInt(s -> s.getEntityIds().size())
        .sum();
  }

  private static Row bodyRow(CqlSession session, String mailbox, String key) {
    return session
        .execute(
            "SELECT envelope FROM " + EmbeddedCassandraExtension.KEYSPACE
                + ".envelope_bodies WHERE mailbox = ? AND body_key = ?", mailbox, key)
        .one();
  }
}
