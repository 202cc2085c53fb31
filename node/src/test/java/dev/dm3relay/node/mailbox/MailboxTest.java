package dev.dm3relay.node.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The entity alone, on Pekko's in-memory journal and snapshot store (no Cassandra here). */
class MailboxTest {

  private static final String ADDRESS = "0x99C19AB10b9EC8aC6fcda9586E81f6B73a298870";
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "MailboxTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(ConfigFactory.parseResources("serialization.conf"))
              .withFallback(ConfigFactory.defaultReference()));

  private InMemoryEnvelopeBodies bodies;
  private MutableClock clock;
  private EventSourcedBehaviorTestKit<Mailbox.Command, Mailbox.Event, Mailbox.State> mailbox;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    start(MailboxSettings.defaults().withQuota(3, 10_000).withMessageTtl(Duration.ofDays(30)).withSnapshotEvery(4));
  }

  private void start(MailboxSettings settings) {
    bodies = new InMemoryEnvelopeBodies();
    clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    mailbox =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Mailbox.create(ADDRESS, settings, bodies, clock),
            // The live state is mutable and never serialized (snapshots go through the adapter).
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  private static IncomingEnvelope envelope(String sender, String hash) {
    return new IncomingEnvelope(
        ADDRESS.toLowerCase() + "," + sender, sender, hash, "{\"message\":\"" + hash + "\"}");
  }

  private CommandResultWithReply<Mailbox.Command, Mailbox.Event, Mailbox.State, StatusReply<Mailbox.Buffered>>
      buffer(IncomingEnvelope e) {
    return mailbox.runCommand(r -> new Mailbox.BufferEnvelope(e, r));
  }

  @Test
  void bufferWritesTheBodyThenPersistsOnlyAnIndexEntry() {
    var result = buffer(envelope("bob.eth", "0xaa"));
    Mailbox.Buffered reply = result.reply().getValue();
    assertFalse(reply.duplicate());
    assertEquals(clock.millis(), reply.storedAt());
    assertEquals(1, mailbox.getState().messageCount());
    assertEquals("{\"message\":\"0xaa\"}", bodies.bodies.get(ADDRESS + "/0xaa"));
    StoredMessage stored = mailbox.getState().message("0xaa");
    assertEquals("bob.eth", stored.senderName());
    assertEquals(18, stored.size());
  }

  @Test
  void resubmittingTheSameHashIsIdempotent() {
    long first = buffer(envelope("bob.eth", "0xaa")).reply().getValue().storedAt();
    clock.advance(Duration.ofSeconds(5));
    var again = buffer(envelope("bob.eth", "0xaa"));
    assertTrue(again.reply().getValue().duplicate());
    assertEquals(first, again.reply().getValue().storedAt());
    assertTrue(again.hasNoEvents());
    assertEquals(1, mailbox.getState().messageCount());
  }

  @Test
  void ackRemovesExactlyTheMatchingMessageAndUnknownAcksAreHarmless() {
    buffer(envelope("bob.eth", "0xaa"));
    buffer(envelope("bob.eth", "0xbb"));

    var wrongSender = mailbox.<StatusReply<Mailbox.Acknowledged>>runCommand(
        r -> new Mailbox.AcknowledgeMessage("eve.eth", "0xaa", r));
    assertFalse(wrongSender.reply().getValue().removed());
    assertTrue(wrongSender.hasNoEvents());

    var unknown = mailbox.<StatusReply<Mailbox.Acknowledged>>runCommand(
        r -> new Mailbox.AcknowledgeMessage("bob.eth", "0xzz", r));
    assertFalse(unknown.reply().getValue().removed());
    assertTrue(unknown.hasNoEvents());

    var ack = mailbox.<StatusReply<Mailbox.Acknowledged>>runCommand(
        r -> new Mailbox.AcknowledgeMessage("bob.eth", "0xaa", r));
    assertTrue(ack.reply().getValue().removed());
    assertEquals(new Mailbox.MessageAcknowledged("0xaa"), ack.event());
    assertEquals(List.of("0xbb"), mailbox.getState().messages().stream().map(StoredMessage::messageHash).toList());
    assertFalse(bodies.bodies.containsKey(ADDRESS + "/0xaa"));
  }

  @Test
  void aWholeAckSyncIsOneEventAndSkipsUnknownPairs() {
    start(MailboxSettings.defaults());
    buffer(envelope("bob.eth", "0x01"));
    buffer(envelope("bob.eth", "0x02"));
    buffer(envelope("carol.eth", "0x03"));
    var acked =
        mailbox.<StatusReply<Mailbox.AcknowledgedMany>>runCommand(
            r ->
                new Mailbox.AcknowledgeMessages(
                    List.of(
                        new Mailbox.Ack("bob.eth", "0x01"),
                        new Mailbox.Ack("bob.eth", "0x01"), // repeated in the same sync
                        new Mailbox.Ack("eve.eth", "0x02"), // wrong sender
                        new Mailbox.Ack("carol.eth", "0x03"),
                        new Mailbox.Ack("carol.eth", "0x99")), // unknown
                    r));
    assertEquals(2, acked.reply().getValue().removed());
    assertEquals(new Mailbox.MessagesAcknowledged(List.of("0x01", "0x03")), acked.event());
    assertEquals(List.of("0x02"), mailbox.getState().messages().stream().map(StoredMessage::messageHash).toList());
    assertEquals(Set.of(ADDRESS + "/0x02"), bodies.bodies.keySet());
  }

  @Test
  void quotaRefusesWithAClearLimitError() {
    buffer(envelope("bob.eth", "0x01"));
    buffer(envelope("bob.eth", "0x02"));
    buffer(envelope("bob.eth", "0x03"));
    var refused = buffer(envelope("bob.eth", "0x04"));
    assertTrue(refused.reply().isError());
    assertTrue(refused.reply().getError().getMessage().startsWith("mailbox quota exceeded"),
        refused.reply().getError().getMessage());
    assertTrue(refused.hasNoEvents());
    assertEquals(3, mailbox.getState().messageCount());
  }

  @Test
  void byteQuotaCountsEnvelopeSizes() {
    start(MailboxSettings.defaults().withQuota(100, 40));
    assertTrue(buffer(envelope("bob.eth", "0x01")).reply().isSuccess()); // 18 bytes
    assertTrue(buffer(envelope("bob.eth", "0x02")).reply().isSuccess()); // 36 bytes
    assertTrue(buffer(envelope("bob.eth", "0x03")).reply().isError());
  }

  @Test
  void messagesOlderThanTheTtlAreExpiredByTheEntity() {
    buffer(envelope("bob.eth", "0x01"));
    clock.advance(Duration.ofDays(20));
    buffer(envelope("bob.eth", "0x02"));
    clock.advance(Duration.ofDays(11)); // 0x01 is 31 days old, 0x02 11 days

    var expired = mailbox.<StatusReply<Mailbox.Expired>>runCommand(Mailbox.ExpireMessages::new);
    assertEquals(1, expired.reply().getValue().count());
    assertEquals(new Mailbox.MessagesExpired(List.of("0x01")), expired.event());
    assertEquals(1, mailbox.getState().messageCount());
    assertFalse(bodies.bodies.containsKey(ADDRESS + "/0x01"));
    assertTrue(bodies.bodies.containsKey(ADDRESS + "/0x02"));
  }

  @Test
  void failedBodyWriteIsReportedAndPersistsNothing() {
    bodies.failWrites = true;
    var failed = buffer(envelope("bob.eth", "0x01"));
    assertTrue(failed.reply().isError());
    assertTrue(failed.hasNoEvents());
    bodies.failWrites = false;
    assertTrue(buffer(envelope("bob.eth", "0x01")).reply().isSuccess());
  }

  @Test
  void stateSurvivesARestartThroughSnapshotAndEvents() {
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(
        r -> new Mailbox.RegisterProfile("{\"profile\":1}", r));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(
        r -> new Mailbox.SetProfileExtension("{\"notSupportedMessageTypes\":[\"NEW\"]}", r));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(
        r -> new Mailbox.SetSpamFilterRules("{\"minNonce\":1}", r));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(
        r -> new Mailbox.SetNotificationChannels("[]", r));
    buffer(envelope("bob.eth", "0x01"));
    buffer(envelope("carol.eth", "0x02"));
    mailbox.<StatusReply<Mailbox.Acknowledged>>runCommand(
        r -> new Mailbox.AcknowledgeMessage("bob.eth", "0x01", r)); // 7th event
    buffer(envelope("bob.eth", "0x03")); // 8th event: snapshot
    buffer(envelope("bob.eth", "0x04"));

    var restarted = mailbox.restart();
    Mailbox.State state = restarted.state();
    Mailbox.Account account = state.account();
    assertEquals("{\"profile\":1}", account.signedProfileJson());
    assertEquals("{\"notSupportedMessageTypes\":[\"NEW\"]}", account.profileExtensionJson());
    assertEquals("{\"minNonce\":1}", account.spamFilterRulesJson());
    assertEquals("[]", account.notificationChannelsJson());
    assertEquals(
        List.of("0x02", "0x03", "0x04"), state.messages().stream().map(StoredMessage::messageHash).toList());
    // The snapshot (taken at the 8th event) holds the index, not bodies.
    var snapshots = mailbox.snapshotTestKit().orElseThrow().persistedInStorage("Mailbox|" + ADDRESS);
    Mailbox.Snapshot snapshot = (Mailbox.Snapshot) snapshots.get(snapshots.size() - 1).second();
    assertEquals(
        List.of("0x02", "0x03"), snapshot.messages().stream().map(StoredMessage::messageHash).toList());
    assertEquals(state.messages().stream().mapToLong(StoredMessage::size).sum(), state.totalBytes());
  }

  @Test
  void incomingWindowListsNewestConversationsFirst() {
    start(MailboxSettings.defaults());
    buffer(envelope("bob.eth", "0x01"));
    clock.advance(Duration.ofSeconds(1));
    buffer(envelope("carol.eth", "0x02"));
    clock.advance(Duration.ofSeconds(1));
    buffer(envelope("bob.eth", "0x03"));

    var listed = mailbox.<StatusReply<Mailbox.Incoming>>runCommand(Mailbox.ListIncoming::new);
    assertEquals(
        List.of("0x03", "0x01", "0x02"),
        listed.reply().getValue().messages().stream().map(StoredMessage::messageHash).toList());
  }

  @Test
  void envelopesWhoseBodyIsInFlightCountForDuplicatesAndQuota() {
    // Body writes that complete only when the test says so.
    java.util.List<java.util.concurrent.CompletableFuture<org.apache.pekko.Done>> writes =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    EnvelopeBodies slowBodies =
        new InMemoryEnvelopeBodies() {
          @Override
          public java.util.concurrent.CompletionStage<org.apache.pekko.Done> write(
              String mailbox, String bodyKey, String json, long storedAt, Duration ttl) {
            var write = new java.util.concurrent.CompletableFuture<org.apache.pekko.Done>();
            writes.add(write);
            return write;
          }
        };
    var entity =
        testKit.spawn(
            Mailbox.create(
                "0x0000000000000000000000000000000000000001",
                MailboxSettings.defaults().withQuota(2, 10_000),
                slowBodies,
                clock));
    var probe = testKit.<StatusReply<Mailbox.Buffered>>createTestProbe();
    entity.tell(new Mailbox.BufferEnvelope(envelope("bob.eth", "0x01"), probe.getRef()));
    entity.tell(new Mailbox.BufferEnvelope(envelope("bob.eth", "0x01"), probe.getRef()));
    entity.tell(new Mailbox.BufferEnvelope(envelope("bob.eth", "0x02"), probe.getRef()));
    entity.tell(new Mailbox.BufferEnvelope(envelope("bob.eth", "0x03"), probe.getRef()));
    // 0x01 and 0x02 are pending: 0x03 is over the quota of 2 before any event exists.
    assertTrue(probe.receiveMessage().getError().getMessage().startsWith("mailbox quota exceeded"));
    probe.expectNoMessage(Duration.ofMillis(200)); // nothing is durable yet, so no success
    assertEquals(2, writes.size(), "one body write per distinct envelope");

    writes.forEach(w -> w.complete(org.apache.pekko.Done.getInstance()));
    List<Mailbox.Buffered> replies =
        List.of(probe.receiveMessage().getValue(), probe.receiveMessage().getValue(), probe.receiveMessage().getValue());
    assertEquals(1, replies.stream().filter(r -> r.messageHash().equals("0x01") && !r.duplicate()).count());
    assertEquals(1, replies.stream().filter(r -> r.messageHash().equals("0x01") && r.duplicate()).count());
    assertEquals(1, replies.stream().filter(r -> r.messageHash().equals("0x02")).count());
  }

  @Test
  void mailboxesSnapshotAtDifferentEventNumbersFixedPerAddress() {
    Set<Integer> intervals = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      String address = MailboxAddress.checksummed(String.format("0x%040x", 1_000_003L * (i + 1)));
      int every = Mailbox.snapshotEvery(address, 500);
      assertTrue(every >= 500 && every < 600, "interval " + every);
      assertEquals(every, Mailbox.snapshotEvery(address, 500), "the same for the same address");
      intervals.add(every);
    }
    assertTrue(intervals.size() > 50, "200 mailboxes spread over " + intervals.size() + " intervals");
    // small intervals (tests) stay exact
    assertEquals(4, Mailbox.snapshotEvery(ADDRESS, 4));
  }

  @Test
  void eventsAndSnapshotsAreSerializableAsCbor() {
    var result = buffer(envelope("bob.eth", "0x01"));
    assertInstanceOf(Mailbox.EnvelopeBuffered.class, result.event());
  }
}
