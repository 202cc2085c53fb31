package dev.dm3relay.node.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.node.FakeNames;
import dev.dm3relay.node.core.DeliveryMetrics;
import dev.dm3relay.node.core.ErrorCode;
import dev.dm3relay.node.core.SpamFilter;
import dev.dm3relay.node.mailbox.InMemoryMailboxService;
import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.delivery.DeliveryService;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.sender.EnvelopeBuilder;
import dev.dm3relay.protocol.sender.WalletUser;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The submit use case on in-memory ports: every outcome, what is pushed and what is counted. */
class SubmitServiceTest {

  private static final DeliveryServiceIdentity IDENTITY = DeliveryServiceIdentity.generate(new SecureRandom());

  private final InMemoryMailboxService mailboxes = new InMemoryMailboxService(2);
  private final FakeNames names = new FakeNames(false);
  private final List<String> pushed = new ArrayList<>();
  private final AtomicInteger counted = new AtomicInteger();
  private final AtomicBoolean storageUp = new AtomicBoolean(true);
  private final AtomicBoolean spamRefuses = new AtomicBoolean();
  private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  private final java.util.Set<String> blocked = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final dev.dm3relay.node.core.SenderBlocklist blocklist =
      new dev.dm3relay.node.core.SenderBlocklist() {
        @Override
        public boolean isEmpty() {
          return blocked.isEmpty();
        }

        @Override
        public boolean blocks(String address) {
          return blocked.contains(address);
        }
      };
  private EphemeralKeyPool keys;
  private SubmitService submit;

  private final WalletUser alice = WalletUser.create();
  private final WalletUser bob = WalletUser.create();

  @BeforeEach
  void wire() {
    keys = new EphemeralKeyPool(8);
    DeliveryMetrics metrics =
        new DeliveryMetrics() {
          @Override
          public void submitted(int sizeBytes) {
            counted.incrementAndGet();
          }

          @Override
          public CompletionStage<Optional<String>> csv(long nowMs) {
            return CompletableFuture.completedFuture(Optional.empty());
          }
        };
    SpamFilter spam = (receiver, routing) -> CompletableFuture.completedFuture(!spamRefuses.get());
    submit =
        new SubmitService(
            new DeliveryService(IDENTITY, keys),
            () -> 100_000,
            names,
            mailboxes,
            spam,
            (address, sender, channels) -> pushed.add(address),
            storageUp::get,
            metrics,
            blocklist,
            registry,
            dev.dm3relay.node.UseCases.NO_LIMITS,
            Clock.systemUTC());
    mailboxes.registerProfile(bob.address(), bob.profile(), Mailbox.Replace.NEVER, null);
    // bob has a verified channel and no socket: each stored envelope is due a notification
    mailboxes.dueOnStore(List.of(new dev.dm3relay.node.core.NotificationTarget("EMAIL", "bob@example.org")));
  }

  @AfterEach
  void close() {
    keys.close();
  }

  private String envelope(WalletUser from, WalletUser to, String text) {
    return EnvelopeBuilder.textMessage(
            from.name(), to.name(), text, System.currentTimeMillis(), from.keys().signing(),
            to.keys().encryption().publicKey(), IDENTITY.encryption().publicKey())
        .canonical();
  }

  private SubmitResult run(String envelopeJson) throws Exception {
    return submit.submit(envelopeJson, Transport.HTTP, "127.0.0.1").toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private SubmitResult.Refusal refusal(String envelopeJson) throws Exception {
    return assertInstanceOf(SubmitResult.Rejected.class, run(envelopeJson)).refusal();
  }

  @Test
  void anAcceptedEnvelopeIsBufferedPushedAndCountedOnce() throws Exception {
    String envelope = envelope(alice, bob, "hello");
    SubmitResult.Accepted first = assertInstanceOf(SubmitResult.Accepted.class, run(envelope));
    assertEquals(bob.address(), first.receiverAddress());
    assertTrue(first.storedEnvelopeJson().contains("\"postmark\""), "stamped with a postmark");
    assertEquals(1, mailboxes.buffered(bob.address()).size());
    assertEquals(List.of(bob.address()), pushed);
    assertEquals(1, counted.get());

    SubmitResult.Accepted again = assertInstanceOf(SubmitResult.Accepted.class, run(envelope));
    assertTrue(again.duplicate());
    assertEquals(1, mailboxes.buffered(bob.address()).size(), "a resubmit adds nothing");
    assertEquals(1, pushed.size(), "a duplicate is not notified again");
    assertEquals(1, counted.get(), "nor counted again");
  }

  @Test
  void anEnvelopeStampedForACachedAccountThatChangedIsStampedAgainForTheCurrentOne() throws Exception {
    // the node's cache still holds bob's first profile; the mailbox has a new one (another key)
    dev.dm3relay.node.core.Account cached = mailboxes.account(bob.address()).toCompletableFuture().get().orElseThrow();
    WalletUser newKeys = WalletUser.create();
    mailboxes.registerProfile(bob.address(), newKeys.profile(), Mailbox.Replace.ALWAYS, null);
    mailboxes.cacheStale(cached);
    assertInstanceOf(SubmitResult.Accepted.class, run(envelope(alice, bob, "after a key change")));
    List<dev.dm3relay.node.core.Account> stamped = mailboxes.stampedFor(bob.address());
    assertEquals(1, stamped.size(), "stored once");
    assertEquals(newKeys.profile().canonical(), stamped.get(0).profile().canonical(), "for the mailbox's current profile");
  }

  @Test
  void anAccountThatKeepsChangingDuringASubmitIsAnsweredAsUnavailableNotStored() {
    mailboxes.accountAlwaysChanged(true);
    var failure =
        assertThrows(
            java.util.concurrent.ExecutionException.class,
            () -> submit.submit(envelope(alice, bob, "racing"), Transport.HTTP, "127.0.0.1").toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, failure.getCause());
    assertTrue(mailboxes.buffered(bob.address()).isEmpty());
  }

  @Test
  void everyRefusalCarriesItsCodeAndCostsNothing() throws Exception {
    assertEquals(SubmitResult.Refusal.MALFORMED_JSON, refusal("{not json"));
    assertEquals(SubmitResult.Refusal.INVALID_SCHEMA, refusal("{\"message\":1}"));
    assertEquals(SubmitResult.Refusal.TOO_LARGE, refusal(envelope(alice, bob, "x".repeat(120_000))));
    assertEquals(SubmitResult.Refusal.UNKNOWN_ACCOUNT, refusal(envelope(alice, WalletUser.create(), "to nobody here")));

    WalletUser carol = WalletUser.create();
    // a name this chainless relay cannot resolve
    String unresolvable =
        EnvelopeBuilder.textMessage(
                alice.name(), "carol.eth", "hi", System.currentTimeMillis(), alice.keys().signing(),
                carol.keys().encryption().publicKey(), IDENTITY.encryption().publicKey())
            .canonical();
    SubmitResult.Rejected noName = assertInstanceOf(SubmitResult.Rejected.class, run(unresolvable));
    assertEquals(SubmitResult.Refusal.UNRESOLVABLE_RECEIVER, noName.refusal());
    assertTrue(noName.message().contains("no Ethereum RPC"), "a chainless relay says why: " + noName.message());

    spamRefuses.set(true);
    SubmitResult.Rejected spam = assertInstanceOf(SubmitResult.Rejected.class, run(envelope(alice, bob, "spam")));
    assertEquals(SubmitResult.Refusal.SPAM, spam.refusal());
    assertEquals(ErrorCode.SPAM, spam.refusal().code());
    spamRefuses.set(false);

    assertEquals(0, pushed.size());
    assertEquals(0, counted.get());
    assertEquals(0, mailboxes.buffered(bob.address()).size());

    run(envelope(alice, bob, "one"));
    run(envelope(WalletUser.create(), bob, "two"));
    SubmitResult.Rejected full = assertInstanceOf(SubmitResult.Rejected.class, run(envelope(alice, bob, "three")));
    assertEquals(SubmitResult.Refusal.MAILBOX_FULL, full.refusal());
    assertEquals(ErrorCode.LIMIT_EXCEEDED, full.refusal().code());
    assertEquals(2, counted.get());
  }

  @Test
  void theReferenceSaysInvalidSchemaWhereItDoes() {
    assertEquals("invalid schema", new SubmitResult.Rejected(SubmitResult.Refusal.INVALID_SCHEMA, "field x").referenceError());
    assertEquals("mailbox full", new SubmitResult.Rejected(SubmitResult.Refusal.MAILBOX_FULL, "mailbox full").referenceError());
  }

  @Test
  void whileStorageIsDownNothingIsAttempted() {
    storageUp.set(false);
    ExecutionException failure = assertThrows(ExecutionException.class, () -> run(envelope(alice, bob, "hi")));
    assertInstanceOf(SubmitService.StorageUnavailableException.class, failure.getCause());
    assertEquals(0, mailboxes.buffered(bob.address()).size());
  }

  private double submits(String transport, String outcome, String reason) {
    var counter = registry.find("dm3.relay.submits").tags("transport", transport, "outcome", outcome, "reason", reason).counter();
    return counter == null ? -1 : counter.count();
  }

  @Test
  void everyEndIsCountedByTransportOutcomeAndReasonWithNoUserInTheLabels() throws Exception {
    String envelope = envelope(alice, bob, "counted");
    run(envelope);
    run(envelope);
    submit.submit("{not json", Transport.SOCKET, "127.0.0.1").toCompletableFuture().get(10, TimeUnit.SECONDS);
    storageUp.set(false);
    assertThrows(ExecutionException.class, () -> run(envelope(alice, bob, "later")));
    assertEquals(1, submits("http", "accepted", "none"));
    assertEquals(1, submits("http", "duplicate", "none"));
    assertEquals(1, submits("socket", "refused", "malformed_json"));
    assertEquals(1, submits("http", "unavailable", "storage_or_chain"));
    assertEquals(0, submits("socket", "accepted", "none"), "every series exists from the start");
    assertEquals(3, registry.find("dm3.relay.submit.duration").tag("transport", "http").timer().count());
    registry.getMeters().forEach(
        meter ->
            meter.getId().getTags().forEach(
                tag -> assertTrue(!tag.getValue().contains(alice.address()) && !tag.getValue().contains("0x"), "no user in " + meter.getId())));
  }

  @Test
  void aBlockedSenderIsRefusedAndOthersAreNot() throws Exception {
    blocked.add(alice.address());
    SubmitResult.Rejected refused = assertInstanceOf(SubmitResult.Rejected.class, run(envelope(alice, bob, "blocked")));
    assertEquals(SubmitResult.Refusal.BLOCKED_SENDER, refused.refusal());
    assertEquals(ErrorCode.SPAM, refused.refusal().code());
    assertInstanceOf(SubmitResult.Accepted.class, run(envelope(WalletUser.create(), bob, "not blocked")));
    blocked.clear();
    assertInstanceOf(SubmitResult.Accepted.class, run(envelope(alice, bob, "unblocked")));
  }

  @Test
  void envelopesThisRelayCannotOpenOrDeliverAreRefusedWithTheirReason() throws Exception {
    // sealed for another delivery service's key
    String forAnother =
        EnvelopeBuilder.textMessage(
                alice.name(), bob.name(), "hi", System.currentTimeMillis(), alice.keys().signing(),
                bob.keys().encryption().publicKey(), DeliveryServiceIdentity.generate(new SecureRandom()).encryption().publicKey())
            .canonical();
    assertEquals(SubmitResult.Refusal.CANNOT_DECRYPT, refusal(forAnother));
    // routing data naming no sender
    String noSender =
        EnvelopeBuilder.textMessage(
                "", bob.name(), "hi", System.currentTimeMillis(), alice.keys().signing(),
                bob.keys().encryption().publicKey(), IDENTITY.encryption().publicKey())
            .canonical();
    assertEquals(SubmitResult.Refusal.INVALID_DELIVERY_INFORMATION, refusal(noSender));
    // a receiver whose stored profile has a low-order encryption key (stored before keys were checked)
    WalletUser broken = WalletUser.create();
    var keys = broken.profile().profile();
    var lowOrder =
        new dev.dm3relay.protocol.model.SignedUserProfile(
            new dev.dm3relay.protocol.model.UserProfile("A".repeat(43) + "=", keys.publicSigningKey(), keys.deliveryServices()),
            broken.profile().signature());
    mailboxes.registerProfile(broken.address(), lowOrder, Mailbox.Replace.NEVER, null);
    assertEquals(SubmitResult.Refusal.RECEIVER_KEY_INVALID, refusal(envelope(alice, broken, "to a broken key")));
    assertEquals(0, counted.get());
  }
}
