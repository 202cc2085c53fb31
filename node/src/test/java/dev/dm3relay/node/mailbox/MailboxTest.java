package dev.dm3relay.node.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.mailbox.Mailbox.BufferOutcome;
import dev.dm3relay.node.mailbox.Mailbox.RegistrationOutcome;
import dev.dm3relay.node.mailbox.Mailbox.Replace;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The entity alone, on Pekko's in-memory journal and snapshot store (no Cassandra here). */
class MailboxTest {

  /** mailbox.conf's settings, without this machine's environment. */
  private static final MailboxSettings DEFAULTS =
      MailboxSettings.from(dev.dm3relay.node.RelayConfig.load(com.typesafe.config.ConfigFactory.empty(), java.util.Map.of()))
          .withRecipientRate(dev.dm3relay.node.ratelimit.RateLimit.OFF);


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
    start(DEFAULTS.withQuota(3, 10_000).withMaxSharePerSender(1).withMessageTtl(Duration.ofDays(30)).withSnapshotEvery(4));
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
    return new IncomingEnvelope(sender, hash, "{\"message\":\"" + hash + "\"}");
  }

  private static String body(String sender, String hash) {
    return ADDRESS + "/" + Mailbox.bodyKey(sender, hash);
  }

  private CommandResultWithReply<Mailbox.Command, Mailbox.Event, Mailbox.State, StatusReply<Mailbox.Buffered>>
      buffer(IncomingEnvelope e) {
    return mailbox.runCommand(r -> new Mailbox.BufferEnvelope(e, r));
  }

  private BufferOutcome outcome(IncomingEnvelope e) {
    return buffer(e).reply().getValue().outcome();
  }

  private List<String> hashes() {
    return mailbox.getState().messages().stream().map(StoredMessage::messageHash).toList();
  }

  @Test
  void bufferWritesTheBodyThenPersistsOnlyAnIndexEntry() {
    var result = buffer(envelope("bob.eth", "0xaa"));
    Mailbox.Buffered reply = result.reply().getValue();
    assertEquals(BufferOutcome.STORED, reply.outcome());
    assertEquals(clock.millis(), reply.storedAt());
    assertEquals(1, mailbox.getState().messageCount());
    assertEquals("{\"message\":\"0xaa\"}", bodies.bodies.get(body("bob.eth", "0xaa")));
    StoredMessage stored = mailbox.getState().message(new MessageKey("bob.eth", "0xaa"));
    assertEquals("bob.eth", stored.senderName());
    assertEquals(ADDRESS.toLowerCase() + ",bob.eth", stored.conversationId());
    assertEquals(18, stored.size());
  }

  @Test
  void resubmittingTheSameEnvelopeIsIdempotent() {
    long first = buffer(envelope("bob.eth", "0xaa")).reply().getValue().storedAt();
    clock.advance(Duration.ofSeconds(5));
    var again = buffer(envelope("bob.eth", "0xaa"));
    assertEquals(BufferOutcome.DUPLICATE, again.reply().getValue().outcome());
    assertEquals(first, again.reply().getValue().storedAt());
    assertTrue(again.hasNoEvents());
    assertEquals(1, mailbox.getState().messageCount());
  }

  @Test
  void anotherSendersEnvelopeWithTheSameHashIsItsOwnEnvelope() {
    buffer(envelope("bob.eth", "0xaa"));
    var other = buffer(new IncomingEnvelope("eve.eth", "0xaa", "{\"message\":\"eve's\"}"));
    assertEquals(BufferOutcome.STORED, other.reply().getValue().outcome(), "not taken for bob's resubmit");
    assertEquals(2, mailbox.getState().messageCount());
    assertEquals("{\"message\":\"0xaa\"}", bodies.bodies.get(body("bob.eth", "0xaa")), "bob's body untouched");
    assertEquals("{\"message\":\"eve's\"}", bodies.bodies.get(body("eve.eth", "0xaa")));
  }

  @Test
  void anAckSyncRemovesExactlyTheNamedEnvelopesInOneEvent() {
    start(DEFAULTS);
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
    assertEquals(
        new Mailbox.EnvelopesAcknowledged(List.of(new MessageKey("bob.eth", "0x01"), new MessageKey("carol.eth", "0x03"))),
        acked.event());
    assertEquals(List.of("0x02"), hashes());
    assertEquals(Set.of(body("bob.eth", "0x02")), bodies.bodies.keySet());

    var nothing =
        mailbox.<StatusReply<Mailbox.AcknowledgedMany>>runCommand(
            r -> new Mailbox.AcknowledgeMessages(List.of(new Mailbox.Ack("eve.eth", "0x02")), r));
    assertEquals(0, nothing.reply().getValue().removed());
    assertTrue(nothing.hasNoEvents());
  }

  @Test
  void theQuotaRefusesWithATypedOutcome() {
    outcome(envelope("bob.eth", "0x01"));
    outcome(envelope("bob.eth", "0x02"));
    outcome(envelope("bob.eth", "0x03"));
    var refused = buffer(envelope("carol.eth", "0x04"));
    assertEquals(BufferOutcome.MAILBOX_FULL, refused.reply().getValue().outcome());
    assertTrue(refused.hasNoEvents());
    assertEquals(3, mailbox.getState().messageCount());
  }

  @Test
  void theRecipientRateRefusesNewEnvelopesBeyondItsBurstButNeverADuplicate() throws Exception {
    // two at once, then one more every 2 s (Bucket4j's own clock: real time)
    start(DEFAULTS.withRecipientRate(new dev.dm3relay.node.ratelimit.RateLimit(1, Duration.ofSeconds(2), 2)));
    assertEquals(BufferOutcome.STORED, outcome(envelope("bob.eth", "0x01")));
    assertEquals(BufferOutcome.STORED, outcome(envelope("carol.eth", "0x02")));
    var refused = buffer(envelope("dave.eth", "0x03"));
    assertEquals(BufferOutcome.RATE_LIMITED, refused.reply().getValue().outcome());
    assertTrue(refused.hasNoEvents());
    assertEquals(BufferOutcome.DUPLICATE, outcome(envelope("bob.eth", "0x01")), "a resubmit is answered, not limited");
    Thread.sleep(2_200);
    assertEquals(BufferOutcome.STORED, outcome(envelope("dave.eth", "0x03")), "a token is back");
    assertEquals(3, mailbox.getState().messageCount());
  }

  @Test
  void byteQuotaCountsEnvelopeSizes() {
    start(DEFAULTS.withQuota(100, 40).withMaxSharePerSender(1));
    assertEquals(BufferOutcome.STORED, outcome(envelope("bob.eth", "0x01"))); // 18 bytes
    assertEquals(BufferOutcome.STORED, outcome(envelope("bob.eth", "0x02"))); // 36 bytes
    assertEquals(BufferOutcome.MAILBOX_FULL, outcome(envelope("bob.eth", "0x03")));
  }

  @Test
  void noSenderTakesMoreThanItsShareOfTheQuota() {
    // 10 messages / 1,000 bytes, 20 %: two messages or 200 bytes per sender
    start(DEFAULTS.withQuota(10, 1_000).withMaxSharePerSender(0.2));
    assertEquals(BufferOutcome.STORED, outcome(envelope("mallory.eth", "0x01")));
    assertEquals(BufferOutcome.STORED, outcome(envelope("mallory.eth", "0x02")));
    var third = buffer(envelope("mallory.eth", "0x03"));
    assertEquals(BufferOutcome.SENDER_SHARE_FULL, third.reply().getValue().outcome());
    assertTrue(third.hasNoEvents());
    assertEquals(BufferOutcome.STORED, outcome(envelope("alice.eth", "0x03")), "other senders still get through");
    assertEquals(2, mailbox.getState().usage("mallory.eth")[0]);

    var big = new IncomingEnvelope("bob.eth", "0x04", "{\"message\":\"" + "x".repeat(190) + "\"}");
    assertEquals(BufferOutcome.SENDER_SHARE_FULL, outcome(big), "over the sender's 200 bytes");

    mailbox.<StatusReply<Mailbox.AcknowledgedMany>>runCommand(
        r -> new Mailbox.AcknowledgeMessages(List.of(new Mailbox.Ack("mallory.eth", "0x01")), r));
    assertEquals(BufferOutcome.STORED, outcome(envelope("mallory.eth", "0x05")), "an ack frees the share");
  }

  @Test
  void messagesOlderThanTheTtlAreExpiredByTheEntity() {
    buffer(envelope("bob.eth", "0x01"));
    clock.advance(Duration.ofDays(20));
    buffer(envelope("bob.eth", "0x02"));
    clock.advance(Duration.ofDays(11)); // 0x01 is 31 days old, 0x02 11 days

    var expired = mailbox.runCommand(Mailbox.ExpiryTick.INSTANCE);
    assertEquals(new Mailbox.EnvelopesExpired(List.of(new MessageKey("bob.eth", "0x01"))), expired.event());
    assertEquals(1, mailbox.getState().messageCount());
    assertFalse(bodies.bodies.containsKey(body("bob.eth", "0x01")));
    assertTrue(bodies.bodies.containsKey(body("bob.eth", "0x02")));
  }

  @Test
  void failedBodyWriteIsReportedAndPersistsNothing() {
    bodies.failWrites = true;
    var failed = buffer(envelope("bob.eth", "0x01"));
    assertTrue(failed.reply().isError());
    assertTrue(failed.hasNoEvents());
    bodies.failWrites = false;
    assertEquals(BufferOutcome.STORED, outcome(envelope("bob.eth", "0x01")));
  }

  private RegistrationOutcome register(String json, Replace replace, String expected) {
    return mailbox
        .<StatusReply<Mailbox.Registration>>runCommand(r -> new Mailbox.RegisterProfile(json, replace, expected, r))
        .reply()
        .getValue()
        .outcome();
  }

  @Test
  void aProfileIsReplacedOnlyAsTheCommandAllows() {
    assertEquals(RegistrationOutcome.REGISTERED, register("{\"v\":1}", Replace.NEVER, null), "first registration");
    assertEquals(RegistrationOutcome.UNCHANGED, register("{\"v\":1}", Replace.NEVER, null), "the same again");
    assertEquals(RegistrationOutcome.CONFLICT, register("{\"v\":0}", Replace.NEVER, null), "another without proof");
    assertEquals(RegistrationOutcome.CONFLICT, register("{\"v\":2}", Replace.IF_CURRENT, "{\"v\":0}"), "proof for a stale profile");
    assertEquals("{\"v\":1}", mailbox.getState().signedProfileJson());
    assertEquals(RegistrationOutcome.REGISTERED, register("{\"v\":2}", Replace.IF_CURRENT, "{\"v\":1}"));
    assertEquals(RegistrationOutcome.REGISTERED, register("{\"v\":3}", Replace.ALWAYS, null));
    assertEquals("{\"v\":3}", mailbox.getState().signedProfileJson());
  }

  private BufferOutcome bufferStampedFor(IncomingEnvelope e, String profileJson, String spamRulesJson) {
    return mailbox
        .<StatusReply<Mailbox.Buffered>>runCommand(r -> new Mailbox.BufferEnvelope(e, profileJson, spamRulesJson, r))
        .reply()
        .getValue()
        .outcome();
  }

  @Test
  void anEnvelopeStampedForAnAccountTheMailboxNoLongerHasIsRefusedAndNothingIsWritten() {
    register("{\"v\":1}", Replace.NEVER, null);
    assertEquals(BufferOutcome.STORED, bufferStampedFor(envelope("bob.eth", "0x01"), "{\"v\":1}", null));
    register("{\"v\":2}", Replace.ALWAYS, null);
    assertEquals(BufferOutcome.ACCOUNT_CHANGED, bufferStampedFor(envelope("bob.eth", "0x02"), "{\"v\":1}", null), "replaced profile");
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.SetSpamFilterRules("{\"minNonce\":1}", r));
    assertEquals(
        BufferOutcome.ACCOUNT_CHANGED, bufferStampedFor(envelope("bob.eth", "0x03"), "{\"v\":2}", null), "spam rules set since");
    assertEquals(List.of("0x01"), hashes());
    assertEquals(1, bodies.bodies.size(), "no body written for a refused envelope");
    assertEquals(BufferOutcome.STORED, bufferStampedFor(envelope("bob.eth", "0x04"), "{\"v\":2}", "{\"minNonce\":1}"));
    // a node of the previous version asked for the account first and expects nothing
    assertEquals(BufferOutcome.STORED, outcome(envelope("bob.eth", "0x05")));
    assertEquals(List.of("0x01", "0x04", "0x05"), hashes().stream().sorted().toList());
  }

  @Test
  void aMailboxToldToStopWithBodyWritesInFlightAnswersThemFirst() {
    bodies.holdWrites = new java.util.concurrent.CompletableFuture<>();
    var entity = testKit.spawn(Mailbox.create("0x" + "1".repeat(40), DEFAULTS, bodies, clock));
    var replies = testKit.<StatusReply<Mailbox.Buffered>>createTestProbe();
    var watcher = testKit.createTestProbe();
    entity.tell(new Mailbox.BufferEnvelope(envelope("bob.eth", "0x01"), replies.ref()));
    entity.tell(Mailbox.Stop.INSTANCE); // as the shard passivates it
    replies.expectNoMessage(Duration.ofMillis(300));
    bodies.holdWrites.complete(org.apache.pekko.Done.getInstance());
    assertEquals(BufferOutcome.STORED, replies.receiveMessage(Duration.ofSeconds(5)).getValue().outcome(), "answered, not dropped");
    watcher.expectTerminated(entity, Duration.ofSeconds(5));
  }

  @Test
  void stateSurvivesARestartThroughSnapshotAndEvents() {
    register("{\"profile\":1}", Replace.NEVER, null);
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.SetSpamFilterRules("{\"minNonce\":0}", r));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.SetSpamFilterRules("{\"minBalance\":\"1\"}", r));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.SetSpamFilterRules("{\"minNonce\":1}", r));
    buffer(envelope("bob.eth", "0x01"));
    buffer(envelope("carol.eth", "0x02"));
    mailbox.<StatusReply<Mailbox.AcknowledgedMany>>runCommand(
        r -> new Mailbox.AcknowledgeMessages(List.of(new Mailbox.Ack("bob.eth", "0x01")), r)); // 7th event
    buffer(envelope("bob.eth", "0x03")); // 8th event: snapshot
    buffer(envelope("bob.eth", "0x04"));

    var restarted = mailbox.restart();
    Mailbox.State state = restarted.state();
    Mailbox.Account account = state.account();
    assertEquals("{\"profile\":1}", account.signedProfileJson());
    assertEquals("{\"minNonce\":1}", account.spamFilterRulesJson());
    assertEquals(List.of("0x02", "0x03", "0x04"), state.messages().stream().map(StoredMessage::messageHash).toList());
    assertEquals(ADDRESS.toLowerCase() + ",carol.eth", state.message(new MessageKey("carol.eth", "0x02")).conversationId());
    assertEquals(Mailbox.bodyKey("carol.eth", "0x02"), state.message(new MessageKey("carol.eth", "0x02")).bodyKey());
    // The snapshot (taken at the 8th event) holds the index, grouped by sender, never bodies.
    var snapshots = mailbox.snapshotTestKit().orElseThrow().persistedInStorage("Mailbox|" + ADDRESS);
    Mailbox.IndexSnapshot snapshot = (Mailbox.IndexSnapshot) snapshots.get(snapshots.size() - 1).second();
    assertEquals(List.of("carol.eth", "bob.eth"), snapshot.senders().stream().map(Mailbox.SenderIndex::senderName).toList());
    assertEquals(state.messages().stream().mapToLong(StoredMessage::size).sum(), state.totalBytes());
    assertEquals(2, state.senderCount());
  }

  @Test
  void aSnapshotOfTheOlderFormatStillRecovers() {
    StoredMessage legacy = new StoredMessage(ADDRESS.toLowerCase() + ",bob.eth", "bob.eth", "0x0a", 5L, 18, "0x0a");
    Mailbox.State state =
        Mailbox.stateOf(ADDRESS, new Mailbox.Snapshot("{\"p\":1}", null, List.of(legacy)));
    assertEquals("{\"p\":1}", state.signedProfileJson());
    assertEquals("0x0a", state.message(new MessageKey("bob.eth", "0x0a")).bodyKey(), "the old body key is kept");
    // and written again, the explicit body key survives the new format
    Mailbox.State again = Mailbox.stateOf(ADDRESS, Mailbox.snapshotOf(state));
    assertEquals(legacy, again.message(new MessageKey("bob.eth", "0x0a")));
  }

  @Test
  void snapshotsWrittenWithFieldsThatAreGoneStillRead() throws Exception {
    // Snapshots of older relays carry profileExtensionJson and notificationChannelsJson, which no
    // route ever set and the state no longer has: reading them must skip those properties.
    Serialization serialization = SerializationExtension.get(testKit.system());
    var serializer = serialization.findSerializerFor(new Mailbox.IndexSnapshot(null, null, List.of(), null));
    var cbor = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.cbor.CBORFactory());
    java.util.Map<String, Object> old = new java.util.LinkedHashMap<>();
    old.put("signedProfileJson", "{\"p\":1}");
    old.put("profileExtensionJson", null);
    old.put("spamFilterRulesJson", "{\"minNonce\":2}");
    old.put("notificationChannelsJson", "[]");
    old.put("senders", List.of(java.util.Map.of("n", "bob.eth", "m", List.of(java.util.Map.of("h", "0x0b", "t", 7, "s", 9)))));
    Object read =
        serialization
            .deserialize(cbor.writeValueAsBytes(old), serializer.identifier(), Mailbox.IndexSnapshot.class.getName())
            .get();
    Mailbox.State state = Mailbox.stateOf(ADDRESS, read);
    assertEquals("{\"p\":1}", state.signedProfileJson());
    assertEquals("{\"minNonce\":2}", state.account().spamFilterRulesJson());
    assertEquals(1, state.messageCount());
  }

  @Test
  void theSnapshotOfAFullMailboxOfStrangersStaysFarBelowCassandrasFrameLimit() {
    // The worst a mailbox can hold: the 10,000-message quota, each from a different sender with a
    // 255-byte name (the longest routing name the relay takes).
    Mailbox.State state = new Mailbox.State();
    for (int i = 0; i < 10_000; i++) {
      String sender = String.format("%05d", i) + "x".repeat(250);
      String hash = dev.dm3relay.protocol.crypto.Hashes.sha256Hex("m" + i);
      state.add(new StoredMessage(Mailbox.conversationId(ADDRESS, sender), sender, hash, 1_700_000_000_000L + i, 100_000, Mailbox.bodyKey(sender, hash)));
    }
    Serialization serialization = SerializationExtension.get(testKit.system());
    byte[] bytes = serialization.serialize(Mailbox.snapshotOf(state)).get();
    assertTrue(bytes.length < 4 * 1024 * 1024, "snapshot of a full mailbox: " + bytes.length + " bytes");
    Mailbox.State restored =
        Mailbox.stateOf(ADDRESS, serialization.deserialize(bytes, Mailbox.IndexSnapshot.class).get());
    assertEquals(10_000, restored.messageCount());
    assertEquals(state.messages(), restored.messages());
  }

  @Test
  void eventsWrittenBeforeSenderKeysStillReplay() {
    Mailbox.State state = new Mailbox.State();
    state.add(new StoredMessage("c", "bob.eth", "0x01", 1, 10, "0x01"));
    state.add(new StoredMessage("c", "bob.eth", "0x02", 2, 10, "0x02"));
    state.removeHashes(List.of("0x01"));
    assertEquals(1, state.messageCount());
    assertEquals(10, state.totalBytes());
  }

  @Test
  void incomingWindowListsNewestConversationsFirst() {
    start(DEFAULTS);
    buffer(envelope("bob.eth", "0x01"));
    clock.advance(Duration.ofSeconds(1));
    buffer(envelope("carol.eth", "0x02"));
    clock.advance(Duration.ofSeconds(1));
    buffer(envelope("bob.eth", "0x03"));

    var listed = mailbox.<StatusReply<Mailbox.Incoming>>runCommand(r -> new Mailbox.ListIncoming(null, r));
    assertEquals(
        List.of(Mailbox.bodyKey("bob.eth", "0x03"), Mailbox.bodyKey("bob.eth", "0x01"), Mailbox.bodyKey("carol.eth", "0x02")),
        listed.reply().getValue().bodyKeys());
    var conversation =
        mailbox.<StatusReply<Mailbox.Incoming>>runCommand(
            r -> new Mailbox.ListIncoming(Mailbox.conversationId(ADDRESS, "carol.eth"), r));
    assertEquals(List.of(Mailbox.bodyKey("carol.eth", "0x02")), conversation.reply().getValue().bodyKeys());
  }

  @Test
  void envelopesWhoseBodyIsInFlightCountForDuplicatesQuotaAndShare() {
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
                DEFAULTS.withQuota(3, 10_000).withMaxSharePerSender(0.67),
                slowBodies,
                clock));
    var probe = testKit.<StatusReply<Mailbox.Buffered>>createTestProbe();
    entity.tell(new Mailbox.BufferEnvelope(envelope("bob.eth", "0x01"), probe.getRef()));
    entity.tell(new Mailbox.BufferEnvelope(envelope("bob.eth", "0x01"), probe.getRef()));
    entity.tell(new Mailbox.BufferEnvelope(envelope("bob.eth", "0x02"), probe.getRef()));
    entity.tell(new Mailbox.BufferEnvelope(envelope("bob.eth", "0x03"), probe.getRef()));
    entity.tell(new Mailbox.BufferEnvelope(envelope("carol.eth", "0x04"), probe.getRef()));
    entity.tell(new Mailbox.BufferEnvelope(envelope("dave.eth", "0x05"), probe.getRef()));
    // bob's two pending envelopes are his share (2 of 3); carol's takes the last place.
    assertEquals(BufferOutcome.SENDER_SHARE_FULL, probe.receiveMessage().getValue().outcome());
    assertEquals(BufferOutcome.MAILBOX_FULL, probe.receiveMessage().getValue().outcome());
    probe.expectNoMessage(Duration.ofMillis(200)); // nothing is durable yet, so no success
    assertEquals(3, writes.size(), "one body write per distinct envelope");

    writes.forEach(w -> w.complete(org.apache.pekko.Done.getInstance()));
    List<BufferOutcome> replies =
        List.of(probe.receiveMessage(), probe.receiveMessage(), probe.receiveMessage(), probe.receiveMessage()).stream()
            .map(r -> r.getValue().outcome())
            .toList();
    assertEquals(3, replies.stream().filter(o -> o == BufferOutcome.STORED).count());
    assertEquals(1, replies.stream().filter(o -> o == BufferOutcome.DUPLICATE).count());
  }

  @Test
  void aFloodOfStoredBodiesIsIndexedInBoundedJournalWrites() {
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
        testKit.spawn(Mailbox.create("0x0000000000000000000000000000000000000002", DEFAULTS, slowBodies, clock));
    var probe = testKit.<StatusReply<Mailbox.Buffered>>createTestProbe();
    int n = 3 * Mailbox.ENVELOPES_PER_WRITE + 7;
    for (int i = 0; i < n; i++) {
      entity.tell(new Mailbox.BufferEnvelope(envelope("sender" + (i % 50) + ".eth", "0x" + i), probe.getRef()));
    }
    var probeAwait = testKit.<Object>createTestProbe();
    probeAwait.awaitAssert(() -> {
      assertEquals(n, writes.size());
      return null;
    });
    writes.forEach(w -> w.complete(org.apache.pekko.Done.getInstance()));
    for (int i = 0; i < n; i++) {
      assertEquals(BufferOutcome.STORED, probe.receiveMessage(Duration.ofSeconds(10)).getValue().outcome());
    }
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

  @Test
  void statsAndAPurgeThatKeepsTheAccount() {
    register("{\"profile\":1}", Replace.NEVER, null);
    buffer(envelope("bob.eth", "0x01"));
    clock.advance(Duration.ofMinutes(1));
    buffer(envelope("carol.eth", "0x02"));
    Mailbox.Stats stats = mailbox.<StatusReply<Mailbox.Stats>>runCommand(Mailbox.GetStats::new).reply().getValue();
    assertTrue(stats.registered());
    assertEquals(2, stats.messages());
    assertEquals(mailbox.getState().totalBytes(), stats.bytes());
    assertEquals(mailbox.getState().messages().get(0).storedAt(), stats.oldestStoredAt());

    var purged = mailbox.<StatusReply<Mailbox.Purged>>runCommand(Mailbox.PurgeMessages::new);
    assertEquals(2, purged.reply().getValue().count());
    assertEquals(
        new Mailbox.EnvelopesPurged(List.of(new MessageKey("bob.eth", "0x01"), new MessageKey("carol.eth", "0x02"))), purged.event());
    assertEquals(0, mailbox.getState().messageCount());
    assertFalse(bodies.bodies.containsKey(body("bob.eth", "0x01")), "bodies are deleted");
    assertEquals("{\"profile\":1}", mailbox.getState().signedProfileJson(), "the account stays");
    assertTrue(mailbox.<StatusReply<Mailbox.Purged>>runCommand(Mailbox.PurgeMessages::new).hasNoEvents(), "nothing left to purge");
    assertEquals(0, mailbox.restart().state().messageCount(), "and it stays purged");
  }

  // ---- notifications (§4.6) and live watchers

  private static final Duration RESEND = Duration.ofSeconds(60);
  private static final Duration VALID = Duration.ofSeconds(600);

  private Mailbox.OtpIssue addEmail(String digest) {
    return mailbox
        .<StatusReply<Mailbox.OtpIssue>>runCommand(
            r -> new Mailbox.AddNotificationChannel("EMAIL", "bob@example.org", false, new Mailbox.Otp(digest, clock.millis()), RESEND, r))
        .reply()
        .getValue();
  }

  private Mailbox.OtpCheckOutcome verify(String digest) {
    return mailbox
        .<StatusReply<Mailbox.OtpCheck>>runCommand(r -> new Mailbox.VerifyOtp("EMAIL", digest, VALID, 5, r))
        .reply()
        .getValue()
        .outcome();
  }

  private void globalOn() {
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.SetGlobalNotifications(true, r));
  }

  @Test
  void fiveWrongCodesVoidTheCodeAndTheCountSurvivesARestart() {
    assertEquals(Mailbox.OtpIssueOutcome.ISSUED, addEmail("right").outcome());
    for (int i = 0; i < 4; i++) {
      assertEquals(Mailbox.OtpCheckOutcome.WRONG, verify("wrong" + i));
    }
    mailbox.restart(); // the tries are events, not memory
    assertEquals(Mailbox.OtpCheckOutcome.WRONG, verify("wrong4"));
    assertEquals(Mailbox.OtpCheckOutcome.TOO_MANY_TRIES, verify("right"), "even the right code, once five were wrong");
    clock.advance(RESEND);
    var issued =
        mailbox.<StatusReply<Mailbox.OtpIssue>>runCommand(
            r -> new Mailbox.IssueOtp("EMAIL", new Mailbox.Otp("fresh", clock.millis()), RESEND, r));
    assertEquals(Mailbox.OtpIssueOutcome.ISSUED, issued.reply().getValue().outcome());
    assertEquals(Mailbox.OtpCheckOutcome.VERIFIED, verify("fresh"));
    assertEquals(Mailbox.OtpCheckOutcome.ALREADY_VERIFIED, verify("fresh"));
  }

  @Test
  void aCodeExpiresAndCodesComeAtMostOncePerResendIntervalEvenByReAdding() {
    assertEquals(Mailbox.OtpIssueOutcome.ISSUED, addEmail("first").outcome());
    clock.advance(Duration.ofSeconds(30));
    Mailbox.OtpIssue again =
        mailbox
            .<StatusReply<Mailbox.OtpIssue>>runCommand(r -> new Mailbox.IssueOtp("EMAIL", new Mailbox.Otp("second", clock.millis()), RESEND, r))
            .reply()
            .getValue();
    assertEquals(Mailbox.OtpIssueOutcome.TOO_SOON, again.outcome());
    assertEquals(30, again.retryAfterSeconds());
    assertEquals(Mailbox.OtpIssueOutcome.TOO_SOON, addEmail("readded").outcome());
    clock.advance(VALID);
    assertEquals(Mailbox.OtpCheckOutcome.WRONG, verify("other"), "a wrong code is wrong however old");
    assertEquals(Mailbox.OtpCheckOutcome.EXPIRED, verify("first"));
  }

  @Test
  void aNewMessageIsDueToVerifiedChannelsOncePerIntervalAndNotWhileSomeoneWatchesLive() {
    start(DEFAULTS.withQuota(100, 1_000_000).withMaxSharePerSender(1));
    globalOn();
    addEmail("code");
    assertTrue(buffer(envelope("bob.eth", "0x01")).reply().getValue().due().isEmpty(), "an unverified channel gets nothing");
    verify("code");
    Mailbox.Buffered first = buffer(envelope("bob.eth", "0x02")).reply().getValue();
    assertEquals(List.of(new dev.dm3relay.node.core.NotificationTarget("EMAIL", "bob@example.org")), first.due());
    assertTrue(buffer(envelope("bob.eth", "0x03")).reply().getValue().due().isEmpty(), "once per interval");
    clock.advance(DEFAULTS.notificationMinInterval());
    var probe = testKit.<Mailbox.LiveEvent>createTestProbe();
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.WatchLive(probe.getRef(), r));
    Mailbox.Buffered watched = buffer(envelope("bob.eth", "0x04")).reply().getValue();
    assertEquals(List.of(probe.getRef()), watched.watchers());
    assertTrue(watched.due().isEmpty(), "the receiver is online");
    clock.advance(Mailbox.WATCH_TTL.plusSeconds(1));
    Mailbox.Buffered lapsed = buffer(envelope("bob.eth", "0x05")).reply().getValue();
    assertTrue(lapsed.watchers().isEmpty(), "a registration nobody renews lapses");
    assertEquals(1, lapsed.due().size());
  }

  @Test
  void aNodeThatRegistersAgainGetsWhatThisIncarnationStoredWithoutIt() {
    start(DEFAULTS.withQuota(100, 1_000_000).withMaxSharePerSender(1));
    var moved = testKit.<Mailbox.LiveEvent>createTestProbe(); // registered with the old incarnation
    var fresh = testKit.<Mailbox.LiveEvent>createTestProbe(); // a node's first socket of the account
    buffer(envelope("bob.eth", "0x01")); // stored by the new incarnation before anyone registered
    buffer(envelope("bob.eth", "0x02"));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.WatchLive(fresh.getRef(), false, r));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.WatchLive(moved.getRef(), true, r));
    Mailbox.LiveEnvelope first = moved.expectMessageClass(Mailbox.LiveEnvelope.class);
    Mailbox.LiveEnvelope second = moved.expectMessageClass(Mailbox.LiveEnvelope.class);
    assertEquals(List.of("{\"message\":\"0x01\"}", "{\"message\":\"0x02\"}"), List.of(first.envelopeJson(), second.envelopeJson()));
    assertEquals(MailboxAddress.checksummed(ADDRESS), first.address());
    assertEquals(Mailbox.RESUMED, first.origin());
    // Renewals do not repeat anything, and neither does a first registration turned renewal.
    Mailbox.Buffered third = buffer(envelope("bob.eth", "0x03")).reply().getValue();
    assertEquals(Set.of(moved.getRef(), fresh.getRef()), Set.copyOf(third.watchers()));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.WatchLive(moved.getRef(), true, r));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.WatchLive(fresh.getRef(), true, r));
    moved.expectNoMessage(Duration.ofMillis(200));
    fresh.expectNoMessage(Duration.ofMillis(50));
    // An acknowledged envelope is not pushed; one older than a registration's lifetime is not either.
    var late = testKit.<Mailbox.LiveEvent>createTestProbe();
    mailbox.<StatusReply<Mailbox.AcknowledgedMany>>runCommand(
        r -> new Mailbox.AcknowledgeMessages(List.of(new Mailbox.Ack("bob.eth", "0x01")), r));
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.WatchLive(late.getRef(), true, r));
    assertEquals(
        List.of("{\"message\":\"0x02\"}", "{\"message\":\"0x03\"}"),
        List.of(
            late.expectMessageClass(Mailbox.LiveEnvelope.class).envelopeJson(),
            late.expectMessageClass(Mailbox.LiveEnvelope.class).envelopeJson()));
    clock.advance(Mailbox.WATCH_TTL.plusSeconds(1));
    var later = testKit.<Mailbox.LiveEvent>createTestProbe();
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.WatchLive(later.getRef(), true, r));
    later.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void whatAResumingNodeIsPushedIsBoundedToTheNewestEntries() {
    start(DEFAULTS.withQuota(1_000, 10_000_000).withMaxSharePerSender(1));
    int stored = Mailbox.RECENT_LIMIT + 40;
    for (int i = 0; i < stored; i++) {
      buffer(envelope("bob.eth", String.format("0x%02x%02x", i / 256, i % 256)));
    }
    var moved = testKit.<Mailbox.LiveEvent>createTestProbe();
    mailbox.<StatusReply<org.apache.pekko.Done>>runCommand(r -> new Mailbox.WatchLive(moved.getRef(), true, r));
    List<String> pushed = new java.util.ArrayList<>();
    for (int i = 0; i < Mailbox.RECENT_LIMIT; i++) {
      pushed.add(moved.expectMessageClass(Mailbox.LiveEnvelope.class).envelopeJson());
    }
    moved.expectNoMessage(Duration.ofMillis(300));
    assertEquals("{\"message\":\"0x0028\"}", pushed.get(0), "the oldest ones beyond the limit are forgotten");
    assertEquals(String.format("{\"message\":\"0x%02x%02x\"}", (stored - 1) / 256, (stored - 1) % 256), pushed.get(pushed.size() - 1));
  }

  @Test
  void aStoppingMailboxTellsItsWatchersThenStops() {
    // spawned plainly: the behaviour testkit cannot run a command that stops its actor
    String other = "0x" + "ab".repeat(20);
    var ref = testKit.spawn(Mailbox.create(other, DEFAULTS, bodies, clock));
    var watcher = testKit.<Mailbox.LiveEvent>createTestProbe();
    var acks = testKit.<StatusReply<org.apache.pekko.Done>>createTestProbe();
    ref.tell(new Mailbox.WatchLive(watcher.getRef(), acks.getRef()));
    acks.expectMessage(StatusReply.ack());
    ref.tell(Mailbox.Stop.INSTANCE);
    assertEquals(new Mailbox.WatchLost(other), watcher.expectMessageClass(Mailbox.WatchLost.class));
    watcher.expectTerminated(ref);
  }

  @Test
  void notificationSettingsAreInTheSnapshot() {
    globalOn();
    addEmail("code");
    verify("nope");
    Mailbox.State state = mailbox.getState();
    Mailbox.State again = Mailbox.stateOf(ADDRESS, Mailbox.snapshotOf(state));
    assertEquals(state.notificationSettings(), again.notificationSettings());
    assertTrue(again.notificationSettings().globalEnabled());
    // through the real serializer, codes and their wrong tries included
    Serialization serialization = SerializationExtension.get(testKit.system());
    byte[] bytes = serialization.serialize(Mailbox.snapshotOf(state)).get();
    Mailbox.State read = Mailbox.stateOf(ADDRESS, serialization.deserialize(bytes, Mailbox.IndexSnapshot.class).get());
    assertEquals(state.notificationSettings(), read.notificationSettings());
    assertEquals(Mailbox.snapshotOf(state).notifications(), Mailbox.snapshotOf(read).notifications());
    assertEquals(1, Mailbox.snapshotOf(read).notifications().otps().get("EMAIL").wrongTries());
  }
}
