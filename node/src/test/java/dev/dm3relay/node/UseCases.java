package dev.dm3relay.node;

import dev.dm3relay.node.auth.ChallengeLedger;
import dev.dm3relay.node.auth.Sessions;
import dev.dm3relay.node.mailbox.InMemoryMailboxService;
import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** In-memory ports and small helpers for the fast tier of use-case tests (no Cassandra, no actors). */
public final class UseCases {

  private UseCases() {}

  public static final DeliveryServiceIdentity IDENTITY = DeliveryServiceIdentity.generate(new SecureRandom());

  /** One-time challenges in a set: each id is taken once. */
  /** Rate limits off: use-case tests of other rules run many requests from one client. */
  public static final dev.dm3relay.node.ratelimit.RateLimits NO_LIMITS =
      dev.dm3relay.node.ratelimit.RateLimits.off(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

  /**
   * The notification routes with no channel type offered and a store that is never reachable
   * (tests of other routes on in-memory ports; the notification tests run on a real relay).
   */
  public static dev.dm3relay.node.notification.NotificationChannels notificationsOff(com.typesafe.config.Config config) {
    java.lang.reflect.InvocationHandler unreachable =
        (proxy, method, args) -> CompletableFuture.failedFuture(new IllegalStateException("no notification store in this test"));
    dev.dm3relay.node.notification.NotificationStore store =
        (dev.dm3relay.node.notification.NotificationStore)
            java.lang.reflect.Proxy.newProxyInstance(
                UseCases.class.getClassLoader(), new Class<?>[] {dev.dm3relay.node.notification.NotificationStore.class}, unreachable);
    dev.dm3relay.node.notification.NotificationSettings settings =
        dev.dm3relay.node.notification.NotificationSettings.from(config);
    return new dev.dm3relay.node.notification.NotificationChannels(
        settings, store, null, new byte[32], java.time.Clock.systemUTC());
  }

  public static ChallengeLedger ledger() {
    Set<String> used = ConcurrentHashMap.newKeySet();
    return (id, forgetAfter) -> CompletableFuture.completedFuture(used.add(id));
  }

  public static Sessions sessions(FakeNames names, InMemoryMailboxService mailboxes, Clock clock) {
    return new Sessions(IDENTITY.jwt(), names, mailboxes, ledger(), clock, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), NO_LIMITS);
  }

  /** The challenge flow as a client runs it: a session token for {@code user}'s current keys. */
  public static String login(Sessions sessions, WalletUser user) throws Exception {
    String challenge = granted(sessions.challenge(user.name(), "127.0.0.1"));
    String signature =
        Base64.getEncoder()
            .encodeToString(Ed25519.sign(user.keys().signing().privateKey(), challenge.getBytes(StandardCharsets.UTF_8)));
    return granted(sessions.login(user.name(), challenge, signature));
  }

  public static <T> T granted(CompletionStage<Sessions.Outcome<T>> stage) throws Exception {
    Sessions.Outcome<T> outcome = await(stage);
    if (outcome instanceof Sessions.Outcome.Granted<T> granted) {
      return granted.value();
    }
    throw new AssertionError("not granted: " + outcome);
  }

  public static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String quote(String text) {
    return Json.quote(text);
  }
}
