package dev.dm3relay.node.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
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
        sender,
        hash,
        "{\"message\":\"" + "x".repeat(200) + "\",\"metadata\":{\"messageHash\":\"" + hash + "\"}}");
  }

  private static Mailbox.BufferOutcome buffered(RelayNode node, String address, IncomingEnvelope e) throws Exception {
    return await(node.mailboxes.buffer(address, e)).outcome();
  }

  private static boolean acknowledged(RelayNode node, String address, String sender, String hash) throws Exception {
    return await(node.mailboxes.acknowledgeAll(address, List.of(new Mailbox.Ack(sender, hash)))) == 1;
  }

  /** The message hashes of the listed envelopes, read back out of their JSON. */
  private static List<String> listedHashes(RelayNode node, String address) throws Exception {
    return await(node.mailboxes.listIncomingAll(address, node.system)).stream()
        .map(json -> dev.dm3relay.protocol.json.Json.parse(json).path("metadata").path("messageHash").asText())
        .toList();
  }

  /** Waits until the mailbox holds {@code expected} messages (a told command has no reply to await). */
  private static void awaitCount(RelayNode node, String address, int expected) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    int count;
    while ((count = await(node.mailboxes.account(address)).messageCount()) != expected) {
      assertTrue(System.nanoTime() < deadline, "messages: " + count + ", expected " + expected);
      Thread.sleep(20);
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void theParsedAccountCacheHoldsNoMoreThanItsSize() throws Exception {
    try (RelayNode node = RelayNode.start("account-cache", Map.of("dm3relay.mailbox.account-cache.size", 10), Clock.systemUTC())) {
      ShardedMailboxService service =
          new ShardedMailboxService(
              node.mailboxes, ListingSettings.from(EmbeddedCassandraExtension.relayConfig(com.typesafe.config.ConfigFactory.empty())), node.system);
      for (int i = 0; i < 40; i++) {
        dev.dm3relay.protocol.sender.WalletUser user = dev.dm3relay.protocol.sender.WalletUser.create();
        await(service.registerProfile(user.address(), user.profile(), Mailbox.Replace.NEVER, null));
        assertTrue(await(service.account(user.address())).isPresent());
      }
      assertTrue(service.cachedAccounts() <= 10, "cached: " + service.cachedAccounts());
    }
  }

  @Test
  void aSubmitsCachedAccountIsCheckedByTheMailboxAndRereadWhenItChanged() throws Exception {
    try (RelayNode node = RelayNode.start("recent-account")) {
      ShardedMailboxService service =
          new ShardedMailboxService(
              node.mailboxes, ListingSettings.from(EmbeddedCassandraExtension.relayConfig(com.typesafe.config.ConfigFactory.empty())), node.system);
      dev.dm3relay.protocol.sender.WalletUser bob = dev.dm3relay.protocol.sender.WalletUser.create();
      dev.dm3relay.protocol.sender.WalletUser newKeys = dev.dm3relay.protocol.sender.WalletUser.create();
      await(service.registerProfile(bob.address(), bob.profile(), Mailbox.Replace.NEVER, null));
      dev.dm3relay.node.core.Account first = await(service.recentAccount(bob.address())).orElseThrow();
      // replaced behind this node's cache, as another node of the cluster would
      await(node.mailboxes.registerProfile(bob.address(), newKeys.profile().canonical(), Mailbox.Replace.ALWAYS, null));
      assertSame(first, await(service.recentAccount(bob.address())).orElseThrow(), "the cached account, no ask");
      MailboxService.BufferedEnvelope envelope =
          new MailboxService.BufferedEnvelope("alice.eth", "0x01", null, envelope(bob.address(), "alice.eth", "0x01").json());
      assertEquals(MailboxService.BufferOutcome.ACCOUNT_CHANGED, await(service.buffer(bob.address(), envelope, first)).outcome());
      assertEquals(0, await(node.mailboxes.account(bob.address())).messageCount(), "nothing stored");
      dev.dm3relay.node.core.Account current = await(service.recentAccount(bob.address())).orElseThrow();
      assertEquals(newKeys.profile().canonical(), current.profile().canonical(), "read again after the refusal");
      assertEquals(MailboxService.BufferOutcome.STORED, await(service.buffer(bob.address(), envelope, current)).outcome());
      // an account parsed elsewhere (not the cached instance) is compared by its canonical JSON
      dev.dm3relay.node.core.Account equal =
          new dev.dm3relay.node.core.Account(current.address(), newKeys.profile(), current.spamFilterRulesJson());
      MailboxService.BufferedEnvelope second =
          new MailboxService.BufferedEnvelope("alice.eth", "0x02", null, envelope(bob.address(), "alice.eth", "0x02").json());
      assertEquals(MailboxService.BufferOutcome.STORED, await(service.buffer(bob.address(), second, equal)).outcome());
    }
  }

  @Test
  void restartRecoversEveryBufferedMessageAndAcksStayDeleted() throws Exception {
    String alice = newAddress();
    try (RelayNode node = RelayNode.start("restart-1")) {
      assertEquals(
          Mailbox.RegistrationOutcome.REGISTERED,
          await(node.mailboxes.registerProfile(alice, "{\"profile\":\"alice\"}", Mailbox.Replace.NEVER, null)));
      for (int i = 0; i < 30; i++) {
        String sender = List.of("bob.eth", "carol.eth", "dave.eth").get(i % 3);
        assertEquals(Mailbox.BufferOutcome.STORED, buffered(node, alice, envelope(alice, sender, "0x" + i)));
      }
      assertTrue(acknowledged(node, alice, "bob.eth", "0x0"));
      assertTrue(acknowledged(node, alice, "carol.eth", "0x1"));
      assertFalse(acknowledged(node, alice, "bob.eth", "0xunknown"));
      // Any case of the address reaches the same mailbox.
      assertEquals(Mailbox.BufferOutcome.DUPLICATE, buffered(node, alice.toLowerCase(), envelope(alice, "bob.eth", "0x3")));
    }

    try (RelayNode node = RelayNode.start("restart-2")) {
      Set<String> hashes = Set.copyOf(listedHashes(node, alice));
      assertEquals(28, hashes.size());
      assertFalse(hashes.contains("0x0"));
      assertFalse(hashes.contains("0x1"));
      Mailbox.Account account = await(node.mailboxes.account(alice));
      assertEquals("{\"profile\":\"alice\"}", account.signedProfileJson());
      assertEquals(28, account.messageCount());

      // Idempotent across the restart too, and the registered profile is not replaced unasked.
      assertEquals(Mailbox.BufferOutcome.DUPLICATE, buffered(node, alice, envelope(alice, "dave.eth", "0x2")));
      assertEquals(28, await(node.mailboxes.account(alice)).messageCount());
      assertEquals(
          Mailbox.RegistrationOutcome.CONFLICT,
          await(node.mailboxes.registerProfile(alice, "{\"profile\":\"old\"}", Mailbox.Replace.NEVER, null)));
    }

    try (CqlSession session = EmbeddedCassandraExtension.storage().openSession(Duration.ofSeconds(10))) {
      assertNull(bodyRow(session, alice, Mailbox.bodyKey("bob.eth", "0x0")), "acked body deleted");
      assertTrue(bodyRow(session, alice, Mailbox.bodyKey("dave.eth", "0x5")) != null);
    }
  }

  @Test
  void quotaRefusesAndExpiredMessagesAreRemovedByTheEntity() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    String bob = newAddress();
    Map<String, Object> limits =
        Map.of(
            "dm3relay.mailbox.max-messages", 3,
            "dm3relay.mailbox.max-share-per-sender", "100%",
            "dm3relay.mailbox.message-ttl-days", 30);
    try (RelayNode node = RelayNode.start("limits", limits, clock)) {
      buffered(node, bob, envelope(bob, "eve.eth", "0xa"));
      clock.advance(Duration.ofDays(20));
      buffered(node, bob, envelope(bob, "eve.eth", "0xb"));
      buffered(node, bob, envelope(bob, "eve.eth", "0xc"));
      assertEquals(Mailbox.BufferOutcome.MAILBOX_FULL, buffered(node, bob, envelope(bob, "eve.eth", "0xd")));

      try (CqlSession session = EmbeddedCassandraExtension.storage().openSession(Duration.ofSeconds(10))) {
        Row ttl =
            session.execute(
                    "SELECT TTL(envelope) AS ttl FROM " + EmbeddedCassandraExtension.KEYSPACE
                        + ".envelope_bodies WHERE mailbox = ? AND body_key = ?", bob, Mailbox.bodyKey("eve.eth", "0xb"))
                .one();
        assertTrue(ttl.getInt("ttl") > Duration.ofDays(30).toSeconds(), "body carries TTL + grace");
      }

      clock.advance(Duration.ofDays(11)); // 0xa is 31 days old
      node.mailboxes.mailbox(bob).tell(Mailbox.ExpiryTick.INSTANCE);
      awaitCount(node, bob, 2);
      assertEquals(Mailbox.BufferOutcome.STORED, buffered(node, bob, envelope(bob, "eve.eth", "0xd")));
    }
    try (RelayNode node = RelayNode.start("limits-2", limits, clock)) {
      assertEquals(Set.of("0xb", "0xc", "0xd"), Set.copyOf(listedHashes(node, bob)));
    }
  }

  /**
   * The mailbox strangers can make: filled to its 10,000-message quota, each envelope from another
   * sender with a 255-byte name (what the relay takes at most), so the share per sender does not
   * stop them. It still snapshots within a few MB, recovers fast, streams its listing, and takes
   * acknowledgements of everything in one sync.
   */
  @Test
  void aMailboxFilledToItsQuotaByStrangersStaysUsable() throws Exception {
    String carol = newAddress();
    String drained = newAddress();
    int count = 10_000;
    long writeMillis;
    try (RelayNode node = RelayNode.start("deep-1")) {
      long began = System.nanoTime();
      List<CompletableFuture<Mailbox.Buffered>> pending = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        pending.add(node.mailboxes.buffer(carol, envelope(carol, stranger(i), "0x" + i)).toCompletableFuture());
        if (pending.size() >= 500) { // well inside the stash capacity (4096) and the ask timeout
          awaitAll(pending);
        }
      }
      awaitAll(pending);
      writeMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      assertEquals(count, await(node.mailboxes.account(carol)).messageCount());
      assertEquals(Mailbox.BufferOutcome.MAILBOX_FULL, buffered(node, carol, envelope(carol, "late.eth", "0xlate")));

      // Another deep mailbox that has been mostly drained: 5,000 in, 4,000 acked in one sync. Its
      // journal holds ack events and range deletes behind snapshots; recovery must not read
      // through them.
      for (int i = 0; i < 5_000; i++) {
        pending.add(node.mailboxes.buffer(drained, envelope(drained, "s" + (i % 20) + ".eth", "0x" + i)).toCompletableFuture());
        if (pending.size() >= 500) {
          awaitAll(pending);
        }
      }
      awaitAll(pending);
      List<Mailbox.Ack> acks = new ArrayList<>();
      for (int i = 0; i < 4_000; i++) {
        acks.add(new Mailbox.Ack("s" + (i % 20) + ".eth", "0x" + i));
      }
      assertEquals(4_000, await(node.mailboxes.acknowledgeAll(drained, acks)));
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
      List<String> left = listedHashes(node, drained);
      assertEquals(1_000, left.size());
      assertTrue(left.stream().allMatch(h -> Integer.parseInt(h.substring(2)) >= 4_000));

      began = System.nanoTime();
      List<String> all = listedHashes(node, carol);
      long listMillis = Duration.ofNanos(System.nanoTime() - began).toMillis();
      // The reference's window: 101 conversations (one per stranger here), newest first.
      assertEquals(101, all.size());
      assertEquals(101, Set.copyOf(all).size());

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
          "%,d envelopes of distinct 255-byte senders buffered in %d ms (%.0f/s); recovery of the full"
              + " mailbox %d ms; latest snapshot %,d bytes; listing its window %d ms; recovery of a"
              + " 5,000-in/4,000-acked mailbox %d ms%n",
          count, writeMillis, count * 1000.0 / writeMillis, recoveryMillis, snapshotBytes, listMillis, drainedRecoveryMillis);
      assertTrue(snapshotBytes < 4 * 1024 * 1024, "snapshot of " + snapshotBytes + " bytes");
      assertTrue(recoveryMillis < 3000, "recovery took " + recoveryMillis + " ms");
      assertTrue(drainedRecoveryMillis < 1000, "recovery took " + drainedRecoveryMillis + " ms");

      // Everything acknowledged in one sync (the API splits it into commands of 500).
      List<Mailbox.Ack> everything = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        everything.add(new Mailbox.Ack(stranger(i), "0x" + i));
      }
      assertEquals(count, await(node.mailboxes.acknowledgeAll(carol, everything)));
      assertEquals(0, await(node.mailboxes.account(carol)).messageCount());
    }
  }

  /** A sender name of 255 bytes, distinct per i. */
  private static String stranger(int i) {
    return String.format("%05d", i) + "x".repeat(246) + ".eth";
  }

  private static void awaitAll(List<CompletableFuture<Mailbox.Buffered>> pending) throws Exception {
    for (CompletableFuture<Mailbox.Buffered> p : pending) {
      assertEquals(Mailbox.BufferOutcome.STORED, p.get(60, TimeUnit.SECONDS).outcome());
    }
    pending.clear();
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
      // the shard passivates beyond its limit as it takes each new entity, asynchronously: on a
      // busy machine the count read at once may still hold the last one or two
      for (int i = 0; i < 20 && awake > 20; i++) {
        Thread.sleep(100);
        awake = liveMailboxes(node);
      }
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

  @Test
  void aRequestWaitsForItsMailboxNoLongerThanTheAskTimeout() throws Exception {
    // ASK_TIMEOUT (dm3relay.mailbox.ask-timeout) is the one wait of a request on a mailbox: here a
    // body write that never ends keeps the mailbox from answering, and the ask gives up in time.
    EnvelopeBodies hanging =
        new EnvelopeBodies() {
          @Override
          public CompletionStage<org.apache.pekko.Done> write(String m, String k, String json, long at, Duration ttl) {
            return new java.util.concurrent.CompletableFuture<>();
          }

          @Override
          public CompletionStage<org.apache.pekko.Done> delete(String m, java.util.Collection<String> keys) {
            return java.util.concurrent.CompletableFuture.completedFuture(org.apache.pekko.Done.getInstance());
          }

          @Override
          public CompletionStage<java.util.Optional<String>> readOne(String m, String k) {
            return java.util.concurrent.CompletableFuture.completedFuture(java.util.Optional.empty());
          }
        };
    try (RelayNode node =
        RelayNode.start("ask-timeout", Map.of("dm3relay.mailbox.ask-timeout", "700ms"), Clock.systemUTC(), bodies -> hanging)) {
      assertEquals(Duration.ofMillis(700), node.settings.askTimeout());
      String bob = "0x00000000000000000000000000000000000a5c00";
      await(node.mailboxes.account(bob)); // the entity is up: what follows times the ask alone
      long began = System.nanoTime();
      var failure =
          org.junit.jupiter.api.Assertions.assertThrows(
              Exception.class, () -> await(node.mailboxes.buffer(bob, envelope(bob, "eve.eth", "0x01"))));
      long waitedMs = Duration.ofNanos(System.nanoTime() - began).toMillis();
      assertTrue(
          String.valueOf(failure.getCause()).contains("Timeout") || String.valueOf(failure).contains("Timeout"),
          "the ask timed out: " + failure);
      assertTrue(waitedMs >= 600 && waitedMs < 5_000, "waited " + waitedMs + " ms for a 700 ms ask timeout");
    }
  }
}
