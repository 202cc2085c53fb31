package dev.dm3relay.node.auth;

import static dev.dm3relay.node.UseCases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.node.FakeNames;
import dev.dm3relay.node.UseCases;
import dev.dm3relay.node.mailbox.InMemoryMailboxService;
import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.node.mailbox.MutableClock;
import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.sender.WalletUser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The authenticate use case on in-memory ports: challenges, logins, tokens and what they open. */
class SessionsTest {

  private final InMemoryMailboxService mailboxes = new InMemoryMailboxService();
  private final FakeNames names = new FakeNames(false);
  private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final Sessions sessions = new Sessions(UseCases.IDENTITY.jwt(), names, mailboxes, UseCases.ledger(), clock, registry, UseCases.NO_LIMITS);
  private final WalletUser bob = WalletUser.create();

  private void register(WalletUser user) throws Exception {
    await(mailboxes.registerProfile(user.address(), user.profile(), Mailbox.Replace.ALWAYS, null));
  }

  @Test
  void aLoginWithTheCurrentKeyOpensExactlyThisName() throws Exception {
    register(bob);
    String token = UseCases.login(sessions, bob);
    Sessions.Session session = UseCases.granted(sessions.authorizeToken(bob.name(), token));
    assertEquals(bob.address(), session.account().address());
    assertTrue(session.expiresAtSeconds() > clock.millis() / 1000);

    WalletUser carol = WalletUser.create();
    register(carol);
    assertInstanceOf(Sessions.Outcome.Refused.class, await(sessions.authorizeToken(carol.name(), token)), "not another account");
    assertInstanceOf(Sessions.Outcome.Refused.class, await(sessions.authorize(bob.name(), Optional.of("Basic " + token))));
    assertInstanceOf(Sessions.Outcome.Granted.class, await(sessions.authorize(bob.name(), Optional.of("bearer  " + token))));
    assertInstanceOf(Sessions.Outcome.Refused.class, await(sessions.authorizeToken(bob.name(), sessions.registrationReceipt(bob.address()))), "the sign-up receipt opens nothing");
  }

  @Test
  void aChallengeOpensOneSessionAndOnlyWithTheRightSignature() throws Exception {
    register(bob);
    String challenge = UseCases.granted(sessions.challenge(bob.name(), "127.0.0.1"));
    WalletUser stranger = WalletUser.create();
    String wrong = sign(stranger, challenge);
    assertEquals(new Sessions.Outcome.Refused<>("Signature invalid"), await(sessions.login(bob.name(), challenge, wrong)));
    String right = sign(bob, challenge);
    assertInstanceOf(Sessions.Outcome.Granted.class, await(sessions.login(bob.name(), challenge, right)));
    assertEquals(new Sessions.Outcome.Refused<>("challenge already used"), await(sessions.login(bob.name(), challenge, right)));
    assertEquals(1, registry.counter("dm3.relay.auth", "step", "login", "outcome", "granted").count());
    assertEquals(2, registry.counter("dm3.relay.auth", "step", "login", "outcome", "refused").count());
    assertEquals(1, registry.counter("dm3.relay.auth", "step", "challenge", "outcome", "granted").count());
    assertInstanceOf(Sessions.Outcome.Refused.class, await(sessions.login(bob.name(), challenge + "x", right)));
  }

  @Test
  void tokensEndWithTheirLifetimeAndWithTheKeyTheyWereIssuedFor() throws Exception {
    register(bob);
    String token = UseCases.login(sessions, bob);
    clock.advance(Duration.ofHours(2));
    assertInstanceOf(Sessions.Outcome.Refused.class, await(sessions.authorizeToken(bob.name(), token)), "an hour's lifetime");

    clock.advance(Duration.ofHours(-2));
    WalletUser rotated = bob.withNonce(Hashes.sha256Hex("new keys"));
    register(rotated);
    assertInstanceOf(Sessions.Outcome.Refused.class, await(sessions.authorizeToken(bob.name(), token)), "issued for the old key");
    assertInstanceOf(Sessions.Outcome.Granted.class, await(sessions.authorizeToken(bob.name(), UseCases.login(sessions, rotated))));
  }

  @Test
  void unknownAndUnresolvableNamesAreTold() throws Exception {
    assertInstanceOf(Sessions.Outcome.UnknownAccount.class, await(sessions.challenge(bob.name(), "127.0.0.1")));
    assertInstanceOf(Sessions.Outcome.Unresolvable.class, await(sessions.challenge("nobody.eth", "127.0.0.1")));
  }

  private static String sign(WalletUser user, String challenge) {
    return Base64.getEncoder()
        .encodeToString(Ed25519.sign(user.keys().signing().privateKey(), challenge.getBytes(StandardCharsets.UTF_8)));
  }
}
