package dev.dm3relay.node.fuzz;

import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.FakeNames;
import dev.dm3relay.node.RelayConfig;
import dev.dm3relay.node.UseCases;
import dev.dm3relay.node.api.ApiSettings;
import dev.dm3relay.node.api.RelayApi;
import dev.dm3relay.node.auth.Sessions;
import dev.dm3relay.node.core.DeliveryMetrics;
import dev.dm3relay.node.core.InFlightLimit;
import dev.dm3relay.node.core.SenderBlocklist;
import dev.dm3relay.node.core.SpamFilter;
import dev.dm3relay.node.core.NewMessageNotifier;
import dev.dm3relay.node.ens.EnsConfig;
import dev.dm3relay.node.ens.PublishedProfiles;
import dev.dm3relay.node.inbox.Inbox;
import dev.dm3relay.node.mailbox.InMemoryMailboxService;
import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.node.registration.ProfileRegistrations;
import dev.dm3relay.node.spam.SpamRuleSettings;
import dev.dm3relay.node.submit.SubmitService;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.delivery.DeliveryService;
import dev.dm3relay.protocol.sender.WalletUser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;

/**
 * The relay's HTTP routes, whole (RelayApi with its JSON error handling), over the use cases on
 * in-memory ports, answering one request at a time without a socket: what the fuzz tests of the
 * request bodies drive. One registered account and a session token for it, so that the
 * authorized routes read their bodies too.
 */
final class ApiHarness {

  /** The contract every answer is held to: never a 500, always JSON on a refusal, no hang. */
  static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

  private static ApiHarness instance;

  final ActorSystem<Void> system;
  final WalletUser user = WalletUser.create();
  final String token;
  private final org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler;

  static synchronized ApiHarness get() {
    if (instance == null) {
      instance = new ApiHarness();
    }
    return instance;
  }

  private ApiHarness() {
    system = ActorSystem.create(Behaviors.empty(), "fuzz", dev.dm3relay.node.LocalSystems.config());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InMemoryMailboxService mailboxes = new InMemoryMailboxService();
    FakeNames names = new FakeNames(false);
    Sessions sessions = UseCases.sessions(names, mailboxes, Clock.systemUTC());
    com.typesafe.config.Config config = RelayConfig.load(ConfigFactory.empty(), Map.of());
    ApiSettings settings = ApiSettings.from(config);
    DeliveryMetrics metrics =
        new DeliveryMetrics() {
          @Override
          public void submitted(int sizeBytes) {}

          @Override
          public CompletionStage<Optional<String>> csv(long nowMs) {
            return CompletableFuture.completedFuture(Optional.empty());
          }
        };
    SubmitService submit =
        new SubmitService(
            new DeliveryService(VectorIdentity.IDENTITY, new EphemeralKeyPool(64)),
            settings::sizeLimit,
            names,
            mailboxes,
            SpamFilter.NO_RULES,
            NewMessageNotifier.NONE,
            () -> true,
            metrics,
            SenderBlocklist.NONE,
            registry,
            UseCases.NO_LIMITS,
            Clock.systemUTC());
    ProfileRegistrations registrations =
        new ProfileRegistrations(names, mailboxes, sessions, PublishedProfiles.of(names, EnsConfig.from(config)), UseCases.NO_LIMITS);
    RelayApi api =
        new RelayApi(
            settings,
            VectorIdentity.IDENTITY,
            submit,
            sessions,
            registrations,
            new Inbox(mailboxes, registry),
            new SpamRuleSettings(mailboxes, false),
            metrics,
            new InFlightLimit(256),
            registry,
            Clock.systemUTC(),
            UseCases.NO_LIMITS,
            UseCases.notificationsOff(config),
            Directives.reject());
    handler = api.routes().handler(system);
    try {
      UseCases.await(mailboxes.registerProfile(user.address(), user.profile(), Mailbox.Replace.NEVER, null));
      token = UseCases.login(sessions, user);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Answers one request and checks the contract: a status below 500 or a 503, a JSON body on
   * every refusal, the whole body within {@link #ANSWER_WITHIN}.
   */
  HttpResponse answer(HttpRequest request) {
    HttpResponse response;
    String body;
    try {
      response = handler.apply(request).toCompletableFuture().get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      body =
          response
              .entity()
              .toStrict(ANSWER_WITHIN.toMillis(), system)
              .toCompletableFuture()
              .get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS)
              .getData()
              .utf8String();
    } catch (Exception e) {
      throw new AssertionError("no answer to " + request.method().value() + " " + request.getUri().path() + ": " + e, e);
    }
    int status = response.status().intValue();
    if (status >= 500 && status != 503) {
      throw new AssertionError(status + " for " + request.getUri().path() + ": " + body);
    }
    if (status >= 400 && !response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
      throw new AssertionError("a " + status + " without a JSON body: " + response.entity().getContentType() + " " + body);
    }
    return response;
  }
}
