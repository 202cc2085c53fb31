package dev.dm3relay.node.live;

import static dev.dm3relay.node.UseCases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.FakeNames;
import dev.dm3relay.node.UseCases;
import dev.dm3relay.node.auth.Sessions;
import dev.dm3relay.node.core.DeliveryMetrics;
import dev.dm3relay.node.core.InFlightLimit;
import dev.dm3relay.node.core.SpamFilter;
import dev.dm3relay.node.mailbox.InMemoryMailboxService;
import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.node.submit.SubmitService;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.delivery.DeliveryService;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.EnvelopeBuilder;
import dev.dm3relay.protocol.sender.WalletUser;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The live-session use case on in-memory ports: a socket is the account its session token says,
 * and its submitMessage is the submit use case itself, under the node's one in-flight limit.
 */
class LiveSessionsTest {

  private final InMemoryMailboxService mailboxes = new InMemoryMailboxService();
  private final FakeNames names = new FakeNames(false);
  private final Sessions sessions = UseCases.sessions(names, mailboxes, Clock.systemUTC());
  private final AtomicInteger counted = new AtomicInteger();
  private final EphemeralKeyPool keys = new EphemeralKeyPool(8);
  private final InFlightLimit inFlight = new InFlightLimit(1);
  private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  private final SubmitService submit =
      new SubmitService(
          new DeliveryService(UseCases.IDENTITY, keys),
          () -> 100_000,
          names,
          mailboxes,
          SpamFilter.NO_RULES,
          dev.dm3relay.node.core.NewMessageNotifier.NONE,
          () -> true,
          new DeliveryMetrics() {
            @Override
            public void submitted(int sizeBytes) {
              counted.incrementAndGet();
            }

            @Override
            public CompletionStage<Optional<String>> csv(long nowMs) {
              return CompletableFuture.completedFuture(Optional.empty());
            }
          },
          dev.dm3relay.node.core.SenderBlocklist.NONE,
          registry,
          UseCases.NO_LIMITS,
          Clock.systemUTC());
  private final LiveSessions live = new LiveSessions(sessions, submit, inFlight, UseCases.NO_LIMITS, address -> CompletableFuture.completedFuture(null));
  private final WalletUser bob = WalletUser.create();
  private final WalletUser alice = WalletUser.create();

  @AfterEach
  void close() {
    keys.close();
  }

  private JsonNode handshake(String name, String token) {
    return Json.parse("{\"account\":{\"ensName\":" + Json.quote(name) + "},\"token\":" + Json.quote(token) + "}");
  }

  private JsonNode submitEvent(WalletUser from, WalletUser to) {
    String envelope =
        EnvelopeBuilder.textMessage(
                from.name(), to.name(), "over the socket", System.currentTimeMillis(), from.keys().signing(),
                to.keys().encryption().publicKey(), UseCases.IDENTITY.encryption().publicKey())
            .canonical();
    return Json.parse("{\"envelop\":" + envelope + ",\"token\":\"ignored\"}");
  }

  @Test
  void aSocketIsTheAccountItsSessionTokenOpens() throws Exception {
    await(mailboxes.registerProfile(bob.address(), bob.profile(), Mailbox.Replace.NEVER, null));
    String token = UseCases.login(sessions, bob);
    SocketAuthenticator.Authorized authorized = await(live.authenticate(handshake(bob.name().toUpperCase(), token))).orElseThrow();
    assertEquals(bob.address(), authorized.account());
    assertTrue(await(live.authenticate(handshake(alice.name(), token))).isEmpty(), "another name");
    assertTrue(await(live.authenticate(handshake(bob.name(), sessions.registrationReceipt(bob.address())))).isEmpty(), "a receipt");
    assertTrue(await(live.authenticate(Json.parse("{\"token\":" + Json.quote(token) + "}"))).isEmpty(), "no name");
    assertTrue(await(live.authenticate(handshake("ab--c.eth", token))).isEmpty(), "an invalid name");
  }

  @Test
  void aSocketSubmitIsTheSubmitUseCaseUnderTheNodesLimit() throws Exception {
    await(mailboxes.registerProfile(bob.address(), bob.profile(), Mailbox.Replace.NEVER, null));
    assertEquals("{\"response\":\"success\"}", await(live.onEvent(alice.address(), "127.0.0.1", "submitMessage", submitEvent(alice, bob))).toString());
    assertEquals(1, mailboxes.buffered(bob.address()).size());
    assertEquals(1, counted.get(), "counted in the delivery metrics as /rpc's are");
    assertEquals(
        1, registry.find("dm3.relay.submits").tags("transport", "socket", "outcome", "accepted").counter().count(), "and in /metrics");
    assertEquals(0, inFlight.inFlight(), "the slot comes back");

    assertEquals("{\"error\":\"invalid schema\"}", await(live.onEvent(alice.address(), "127.0.0.1", "submitMessage", Json.parse("{\"envelop\":1}"))).toString());
    JsonNode unknown = await(live.onEvent(alice.address(), "127.0.0.1", "submitMessage", submitEvent(bob, alice)));
    assertEquals("unknown account", unknown.path("error").asText(), "refused as /rpc refuses it");
    assertNull(live.onEvent(alice.address(), "127.0.0.1", "somethingElse", Json.parse("{}")), "not our event: no ack");

    assertTrue(inFlight.tryAcquire(), "an HTTP request holds the node's only slot");
    JsonNode busy = await(live.onEvent(alice.address(), "127.0.0.1", "submitMessage", submitEvent(alice, bob)));
    assertTrue(busy.path("error").asText().contains("capacity"), busy.toString());
    assertEquals(1, inFlight.refused());
    inFlight.release();
    assertEquals(1, mailboxes.buffered(bob.address()).size(), "the refused submit stored nothing");
  }

  @Test
  void aSocketsEventsTakeTheClientAddressesTokensAsHttpRequestsDo() throws Exception {
    dev.dm3relay.node.ratelimit.RateLimitSettings one =
        new dev.dm3relay.node.ratelimit.RateLimitSettings(
            new dev.dm3relay.node.ratelimit.RateLimit(1, java.time.Duration.ofMinutes(1), 1),
            dev.dm3relay.node.ratelimit.RateLimit.OFF,
            dev.dm3relay.node.ratelimit.RateLimit.OFF,
            dev.dm3relay.node.ratelimit.RateLimit.OFF,
            dev.dm3relay.node.ratelimit.RateLimit.OFF,
            java.util.List.of(),
            100);
    LiveSessions limited =
        new LiveSessions(sessions, submit, inFlight, new dev.dm3relay.node.ratelimit.RateLimits(one, registry), address -> CompletableFuture.completedFuture(null));
    await(mailboxes.registerProfile(bob.address(), bob.profile(), Mailbox.Replace.NEVER, null));
    assertEquals(
        "{\"response\":\"success\"}", await(limited.onEvent(alice.address(), "127.0.0.5", "submitMessage", submitEvent(alice, bob))).toString());
    assertEquals(
        "{\"error\":{\"code\":-32005,\"message\":\"rate limit exceeded\"}}",
        await(limited.onEvent(alice.address(), "127.0.0.5", "submitMessage", submitEvent(alice, bob))).toString(),
        "the same error object an HTTP 429 carries");
    assertEquals(
        "{\"response\":\"success\"}",
        await(limited.onEvent(alice.address(), "127.0.0.6", "submitMessage", submitEvent(alice, bob))).toString(),
        "another client address");
    assertEquals(1, registry.find("dm3.relay.requests.rejected").tags("reason", "rate_limit").counter().count());
    assertEquals(2, mailboxes.buffered(bob.address()).size());
  }
}
