package dev.dm3relay.node;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.admin.AdminSettings;
import dev.dm3relay.node.admin.Administration;
import dev.dm3relay.node.blocklist.BlockedSenders;
import dev.dm3relay.node.cluster.ClusterMeters;
import dev.dm3relay.node.cluster.ClusterStatus;
import dev.dm3relay.node.management.OperatorConsole;
import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.node.warmup.StartupWarmUp;
import dev.dm3relay.node.metrics.RelayMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.dm3relay.node.api.ApiSettings;
import dev.dm3relay.node.api.RelayApi;
import dev.dm3relay.node.auth.CassandraChallengeLedger;
import dev.dm3relay.node.auth.Sessions;
import dev.dm3relay.node.identity.IdentityStore;
import dev.dm3relay.node.cluster.CassandraProbe;
import dev.dm3relay.node.cluster.ClusterFormation;
import dev.dm3relay.node.cluster.HttpReadinessCheck;
import dev.dm3relay.node.core.DeliveryMetrics;
import dev.dm3relay.node.core.InFlightLimit;
import dev.dm3relay.node.inbox.Inbox;
import dev.dm3relay.node.spam.SpamRuleSettings;
import dev.dm3relay.node.live.LiveBridge;
import dev.dm3relay.node.ens.PublicHttp;
import dev.dm3relay.node.notification.Email;
import dev.dm3relay.node.notification.NotificationChannels;
import dev.dm3relay.node.notification.NotificationSettings;
import dev.dm3relay.node.notification.Notifier;
import dev.dm3relay.node.notification.NotificationStore;
import dev.dm3relay.node.notification.WebPush;
import dev.dm3relay.node.live.LiveSessions;
import dev.dm3relay.node.core.SpamFilter;
import dev.dm3relay.node.submit.SubmitService;
import dev.dm3relay.node.ratelimit.RateLimitSettings;
import dev.dm3relay.node.ratelimit.RateLimits;
import dev.dm3relay.node.ens.EnsConfig;
import dev.dm3relay.node.ens.NameResolvers;
import dev.dm3relay.node.core.NameResolver;
import dev.dm3relay.node.socketio.LiveConfig;
import dev.dm3relay.node.live.LiveConnections;
import dev.dm3relay.node.socketio.SocketIoRoute;
import dev.dm3relay.node.ens.PublishedProfiles;
import dev.dm3relay.node.http.HttpServer;
import dev.dm3relay.node.mailbox.CassandraEnvelopeBodies;
import dev.dm3relay.node.mailbox.ListingSettings;
import dev.dm3relay.node.registration.ProfileRegistrations;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.node.mailbox.MailboxSettings;
import dev.dm3relay.node.mailbox.Mailboxes;
import dev.dm3relay.node.mailbox.ShardedMailboxService;
import dev.dm3relay.node.metrics.CassandraDeliveryMetrics;
import dev.dm3relay.node.metrics.MetricsSettings;
import dev.dm3relay.node.store.CassandraSettings;
import dev.dm3relay.node.store.CassandraStorage;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.delivery.DeliveryService;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running relay node: its Cassandra (embedded or external), actor system, sharded mailboxes,
 * delivery API and live sockets. The composition root: everything is wired here and nowhere else.
 */
public final class Relay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Relay.class);

  private final CassandraStorage storage;
  private final ActorSystem<Void> system;
  private final HttpServer.Binding binding;
  private final DeliveryServiceIdentity identity;
  private final ApiSettings settings;
  private final CassandraDeliveryMetrics metrics;
  private final EphemeralKeyPool ephemeralKeys;
  private final LiveConnections live;
  private final NameResolver names;
  private final int managementPort;
  private final java.util.Optional<StartupWarmUp.Report> warmUpReport;

  private Relay(
      CassandraStorage storage,
      ActorSystem<Void> system,
      HttpServer.Binding binding,
      DeliveryServiceIdentity identity,
      ApiSettings settings,
      CassandraDeliveryMetrics metrics,
      EphemeralKeyPool ephemeralKeys,
      LiveConnections live,
      NameResolver names,
      int managementPort,
      java.util.Optional<StartupWarmUp.Report> warmUpReport) {
    this.storage = storage;
    this.system = system;
    this.binding = binding;
    this.identity = identity;
    this.settings = settings;
    this.metrics = metrics;
    this.ephemeralKeys = ephemeralKeys;
    this.live = live;
    this.names = names;
    this.managementPort = managementPort;
    this.warmUpReport = warmUpReport;
  }

  /** What the start-up warm-up did; empty when it was off. */
  public java.util.Optional<StartupWarmUp.Report> warmUpReport() {
    return warmUpReport;
  }

  /** Starts a relay node and returns once its HTTP port is bound. */
  public static Relay start(Config config) {
    ApiSettings settings = ApiSettings.from(config);
    CassandraSettings cassandraSettings = CassandraSettings.from(config);
    // Before anything touches the data dir (the identity file included): a second relay started on
    // it at the same time must be refused before it can create or replace anything there.
    Optional<AutoCloseable> lock = CassandraStorage.lockDataDir(cassandraSettings);
    DeliveryServiceIdentity identity;
    CassandraStorage storage;
    try {
      identity = IdentityStore.load(config);
      storage = CassandraStorage.start(cassandraSettings, lock);
    } catch (RuntimeException e) {
      lock.ifPresent(Relay::closeQuietly);
      throw e;
    }
    ActorSystem<Void> system;
    try {
      Config httpLimits =
          ConfigFactory.parseMap(Map.of("pekko.http.server.parsing.max-content-length", settings.maxBodyLimit()));
      Config systemConfig =
          httpLimits
              .withFallback(ClusterFormation.discoveryOverrides(config))
              .withFallback(storage.pekkoConfig())
              .withFallback(config);
      system = ActorSystem.create(Behaviors.empty(), "dm3-relay", systemConfig);
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    try {
      return wire(config, settings, identity, storage, system);
    } catch (RuntimeException e) {
      system.terminate();
      awaitTermination(system, Duration.ofSeconds(30));
      storage.close();
      throw e;
    }
  }

  private static Relay wire(
      Config config, ApiSettings settings, DeliveryServiceIdentity identity, CassandraStorage storage, ActorSystem<Void> system) {
    int managementPort = ClusterFormation.start(system, config);
    MeterRegistry registry = RelayMetrics.get(system).registry();
    CassandraSettings cassandra = storage.settings();
    String keyspace = cassandra.keyspace();
    Duration startTimeout = cassandra.sessionStartTimeout();
    CqlSession session =
        join(
            CassandraSessionRegistry.get(system)
                .sessionFor(CassandraSessionSettings.create("pekko.persistence.cassandra"))
                .underlying(),
            startTimeout);
    CassandraProbe probe = CassandraProbe.get(system);
    probe.start(system, session, cassandra.probeInterval());
    CassandraEnvelopeBodies bodies = new CassandraEnvelopeBodies(session, keyspace);
    Clock clock = Clock.systemUTC();
    MailboxSettings mailboxSettings = MailboxSettings.from(config);
    Mailboxes mailboxes = Mailboxes.init(system, mailboxSettings, bodies, clock, registry);
    MailboxService mailboxService = new ShardedMailboxService(mailboxes, ListingSettings.from(config), system);
    ClusterMeters.bind(system, registry, Mailbox.ENTITY_TYPE_KEY, "dm3.relay.mailboxes.active", Duration.ofSeconds(10), mailboxes::hostedShardsAre);
    AdminSettings adminSettings = AdminSettings.from(config);
    BlockedSenders blocked = BlockedSenders.start(system, mailboxSettings.askTimeout(), adminSettings.blocklistRefresh());

    EphemeralKeyPool ephemeralKeys = new EphemeralKeyPool(settings.postmarkKeysAhead());
    DeliveryService deliveryService = new DeliveryService(identity, ephemeralKeys);
    EnsConfig ensConfig = EnsConfig.from(config);
    NameResolver names = NameResolvers.from(config, registry);
    SpamFilter spamFilter = NameResolvers.spamFilter(names);
    // The receiver's socket may be on another node: the node holding it registers with the mailbox.
    // A socket carries submitMessage only: its largest message is a submit's largest body.
    LiveConfig liveConfig = LiveConfig.from(config, (int) Math.min(Integer.MAX_VALUE, settings.bodyLimit()));
    LiveBridge bridge = new LiveBridge(mailboxes);
    LiveConnections live =
        new LiveConnections(bridge, liveConfig.maxSocketsPerAccount(), liveConfig.maxQueuedBytesPerNode(), SocketIoRoute::eventFrame);
    bridge.start(system, live, registry);
    Gauge.builder("dm3.relay.live.sockets", live, LiveConnections::connectionCount)
        .description("Authenticated Socket.IO connections on this node")
        .register(registry);
    MetricsSettings metricsSettings = MetricsSettings.from(config);
    CassandraDeliveryMetrics metrics =
        new CassandraDeliveryMetrics(
            session, keyspace, metricsSettings.collectionInterval(), metricsSettings.retention(), clock::millis);
    Duration flushEvery = metricsSettings.flushInterval();
    system.scheduler().scheduleAtFixedRate(flushEvery, flushEvery, metrics::flush, system.executionContext());

    NotificationSettings notificationSettings = NotificationSettings.from(config);
    Notifier notifier =
        new Notifier(
            notificationSettings,
            notificationSettings.email().map(Email::new),
            notificationSettings.push().map(p -> new WebPush(p, new PublicHttp(p.allowPrivateEndpoints(), 2 * notificationSettings.workers()))),
            // only while the channel still holds that subscription: the user may have subscribed anew
            (address, subscription) -> mailboxes.removeNotificationChannel(address, NotificationSettings.PUSH, subscription),
            metrics,
            registry,
            clock);
    NotificationChannels notificationChannels =
        new NotificationChannels(notificationSettings, NotificationStore.of(mailboxes), notifier, otpDigestKey(identity), clock);

    RateLimitSettings rateLimitSettings = RateLimitSettings.from(config);
    RateLimits rateLimits = new RateLimits(rateLimitSettings, registry);
    SubmitService submissions =
        new SubmitService(
            deliveryService, settings::sizeLimit, names, mailboxService, spamFilter, notifier, probe::reachable, metrics, blocked,
            registry, rateLimits, clock);
    Sessions sessions =
        new Sessions(
            identity.jwt(), names, mailboxService, new CassandraChallengeLedger(session, keyspace), clock, registry, rateLimits);
    ProfileRegistrations registrations =
        new ProfileRegistrations(names, mailboxService, sessions, PublishedProfiles.of(names, ensConfig), rateLimits);
    Inbox inbox = new Inbox(mailboxService, registry);
    // one limit for the node: a socket's submits are admitted like /rpc's
    InFlightLimit inFlight = new InFlightLimit(settings.maxInFlight());
    FunctionCounter.builder("dm3.relay.requests.rejected", inFlight, InFlightLimit::refused)
        .description("Requests refused before any work: at the node's in-flight limit, or answered by the request timeout")
        .tag("reason", "admission")
        .register(registry);
    LiveSessions liveSessions = new LiveSessions(sessions, submissions, inFlight, rateLimits, bridge::watch);
    OperatorConsole.get(system)
        .install(
            new Administration(names, mailboxService, blocked, new ClusterStatus(system, Mailbox.ENTITY_TYPE_KEY, mailboxSettings.askTimeout())),
            adminSettings);

    var socketRoute = SocketIoRoute.create(live, liveSessions, liveSessions, liveConfig, rateLimits);
    RelayApi api =
        new RelayApi(
            settings, identity, submissions, sessions, registrations, inbox, new SpamRuleSettings(mailboxService, names.resolvesChainNames()), metrics,
            inFlight, registry, clock, rateLimits, notificationChannels, socketRoute);
    StartupWarmUp.Settings warmUp = StartupWarmUp.Settings.from(config);
    java.util.Optional<StartupWarmUp.Report> warmUpReport = java.util.Optional.empty();
    if (!warmUp.off()) {
      // The same routes and use cases without the per-client limits (every warm-up request comes
      // from 127.0.0.1) and counted in a registry of their own, so no operator metric or CSV row
      // sees the synthetic traffic. Run before the API port opens: ready means warm.
      MeterRegistry warmRegistry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      RateLimits noLimits = RateLimits.off(warmRegistry);
      DeliveryMetrics uncounted = DeliveryMetrics.NONE;
      Sessions warmSessions =
          new Sessions(identity.jwt(), names, mailboxService, new CassandraChallengeLedger(session, keyspace), clock, warmRegistry, noLimits);
      RelayApi warmApi =
          new RelayApi(
              settings.withoutAccessLog(),
              identity,
              new SubmitService(
                  deliveryService, settings::sizeLimit, names, mailboxService, spamFilter, notifier, probe::reachable, uncounted,
                  blocked, warmRegistry, noLimits, clock),
              warmSessions,
              new ProfileRegistrations(names, mailboxService, warmSessions, PublishedProfiles.of(names, ensConfig), noLimits),
              inbox,
              new SpamRuleSettings(mailboxService, names.resolvesChainNames()),
              uncounted,
              new InFlightLimit(settings.maxInFlight()),
              warmRegistry,
              clock,
              noLimits,
              notificationChannels,
              socketRoute);
      HttpServer.Binding loopback =
          join(
              HttpServer.bind(
                  system,
                  "127.0.0.1",
                  0,
                  warmApi.routes(),
                  new HttpServer.Limits(settings.requestReadTimeout(), liveConfig.maxPayloadBytes(), 0, peer -> null),
                  Duration.ofSeconds(1)),
              startTimeout);
      log.info("Warming up for {} (WARMUP_DURATION; 0s turns it off) before the API port opens", warmUp.duration());
      StartupWarmUp.Report report =
          new StartupWarmUp(warmUp, identity, mailboxService).run("http://127.0.0.1:" + loopback.localAddress().getPort());
      join(loopback.unbind(), startTimeout);
      warmUpReport = java.util.Optional.of(report);
      log.info(
          "Warm-up done in {} ms: {} synthetic submits accepted, {} refused, {} failed; {} purged",
          report.took().toMillis(), report.accepted(), report.refused(), report.failed(), report.purged());
    }
    HttpServer.Binding binding =
        join(
            HttpServer.bind(
                system,
                settings.host(),
                settings.port(),
                api.routes(),
                new HttpServer.Limits(
                    settings.requestReadTimeout(),
                    liveConfig.maxPayloadBytes(),
                    settings.maxConnectionsPerIp(),
                    peer -> rateLimits.trustedProxy(peer) ? null : rateLimits.clientOf(peer, java.util.List.of())),
                settings.drainTimeout()),
            startTimeout);
    HttpReadinessCheck.Serving serving = HttpReadinessCheck.ID.get(Adapter.toClassic(system));
    serving.set(true);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeServiceUnbind(),
            "dm3-relay-not-ready",
            () -> {
              // Load balancers stop sending traffic before the port closes.
              serving.set(false);
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    log.info(
        "dm3-relay {} serving {} on {} (management port {}: /metrics{}, crypto {}, delivery service signing key {})",
        Main.version(),
        settings.publicUrl(),
        binding.localAddress(),
        managementPort,
        adminSettings.token().isPresent() ? ", /admin" : "",
        dev.dm3relay.protocol.crypto.CryptoPrimitives.active().name(),
        identity.signingPublicKeyBase64());
    return new Relay(storage, system, binding, identity, settings, metrics, ephemeralKeys, live, names, managementPort, warmUpReport);
  }

  /**
   * The key of the one-time codes' digests: from the relay's signing key, so every node of a
   * cluster (one identity) computes the same digests, and nothing else keyed by it can be mistaken
   * for one.
   */
  private static byte[] otpDigestKey(DeliveryServiceIdentity identity) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(identity.signing().privateKey(), "HmacSHA256"));
      return mac.doFinal("dm3-relay notification code digests".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 runtime has HmacSHA256", e);
    }
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** Where Pekko Management listens: health checks, {@code /metrics}, {@code /admin}. */
  public String managementUrl() {
    return "http://127.0.0.1:" + managementPort;
  }

  public String baseUrl() {
    return "http://" + binding.localAddress().getHostString() + ":" + port();
  }

  public DeliveryServiceIdentity identity() {
    return identity;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public CassandraStorage storage() {
    return storage;
  }

  public LiveConnections live() {
    return live;
  }

  public ApiSettings settings() {
    return settings;
  }

  /** Blocks until the actor system terminates (by coordinated shutdown, e.g. on SIGTERM). */
  public void awaitTermination() {
    awaitTermination(system, Duration.ofDays(36500));
  }

  /**
   * Stops the node: HTTP unbinds and sharding hands its shards over (coordinated shutdown), the
   * last metrics are written, then the embedded Cassandra (if any) stops. An external cluster is
   * left alone.
   */
  @Override
  public void close() {
    try {
      metrics.flush().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("final metrics flush failed: {}", e.toString());
    }
    system.terminate();
    awaitTermination(system, Duration.ofSeconds(60));
    ephemeralKeys.close();
    if (names instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("closing the name resolver failed: {}", e.toString());
      }
    }
    storage.close();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("releasing {} failed: {}", closeable, e.toString());
    }
  }

  private static void awaitTermination(ActorSystem<?> system, Duration timeout) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("Actor system did not terminate within {}", timeout);
    }
  }

  private static <T> T join(CompletionStage<T> stage, Duration timeout) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    } catch (Exception e) {
      throw new IllegalStateException("relay start failed: " + e.getMessage(), e);
    }
  }
}
