package dev.dm3relay.node.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's Cassandra, ready for the journal: either an external cluster (CASSANDRA_CONTACT_POINTS)
 * or the embedded one started (or reused) here, with the schema applied where it should be.
 */
public final class CassandraStorage implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CassandraStorage.class);

  private final CassandraSettings settings;
  private final List<String> contactPoints;
  private final Optional<EmbeddedCassandra> embedded;
  private final Optional<DataDirLock> lock;

  private CassandraStorage(
      CassandraSettings settings,
      List<String> contactPoints,
      Optional<EmbeddedCassandra> embedded,
      Optional<DataDirLock> lock) {
    this.settings = settings;
    this.contactPoints = contactPoints;
    this.embedded = embedded;
    this.lock = lock;
  }

  /**
   * The exclusive lock on the embedded Cassandra's data dir, when the embedded one is wanted (else
   * empty). One relay per data dir: a second one would adopt the first one's Cassandra and stop it
   * under its feet when it exits. The OS releases the lock when a relay dies, however it dies.
   *
   * @throws IllegalStateException when another relay holds it
   */
  public static Optional<AutoCloseable> lockDataDir(CassandraSettings settings) {
    if (!settings.embeddedWanted()) {
      return Optional.empty();
    }
    DataDirLock lock = DataDirLock.acquire(settings.dataDir());
    return Optional.of(lock);
  }

  /** {@link #start(CassandraSettings, Optional)} taking the data dir's lock itself. */
  public static CassandraStorage start(CassandraSettings settings) {
    return start(settings, lockDataDir(settings));
  }

  /**
   * Starts (or adopts) the embedded Cassandra, or connects to the external one, and applies the
   * schema where it should be.
   *
   * @param heldLock what {@link #lockDataDir} gave; released when this storage closes
   */
  public static CassandraStorage start(CassandraSettings settings, Optional<AutoCloseable> heldLock) {
    Optional<EmbeddedCassandra> embedded = Optional.empty();
    Optional<DataDirLock> lock = heldLock.map(DataDirLock.class::cast);
    List<String> contactPoints = settings.contactPoints();
    if (settings.embeddedWanted()) {
      if (lock.isEmpty()) {
        throw new IllegalStateException("the embedded Cassandra needs its data dir locked first");
      }
      try {
        EmbeddedCassandra server = EmbeddedCassandra.startOrReuse(settings.embeddedServer());
        embedded = Optional.of(server);
        contactPoints = List.of(server.contactPoint());
      } catch (RuntimeException e) {
        lock.get().release();
        throw e;
      }
    } else {
      log.info("Using external Cassandra at {} (keyspace {})", contactPoints, settings.keyspace());
    }
    CassandraStorage storage = new CassandraStorage(settings, contactPoints, embedded, lock);
    if (settings.schemaToApply()) {
      try (CqlSession session = storage.openSession(Duration.ofSeconds(30))) {
        CassandraSchema.apply(session, settings.keyspace(), settings.replication());
      } catch (RuntimeException e) {
        storage.close();
        throw e;
      }
    }
    return storage;
  }

  public List<String> contactPoints() {
    return contactPoints;
  }

  public Optional<EmbeddedCassandra> embedded() {
    return embedded;
  }

  public CassandraSettings settings() {
    return settings;
  }

  /**
   * The part of the ActorSystem config that depends on where Cassandra is: contact points and
   * credentials of the {@code datastax-java-driver} section the persistence plugin uses.
   */
  public Config pekkoConfig() {
    Map<String, Object> values = new HashMap<>();
    values.put("datastax-java-driver.basic.contact-points", contactPoints);
    values.put(
        "datastax-java-driver.basic.load-balancing-policy.local-datacenter",
        settings.localDatacenter());
    if (settings.username().isPresent()) {
      values.put("datastax-java-driver.advanced.auth-provider.class", "PlainTextAuthProvider");
      values.put("datastax-java-driver.advanced.auth-provider.username", settings.username().get());
      values.put(
          "datastax-java-driver.advanced.auth-provider.password", settings.password().orElse(""));
    }
    return ConfigFactory.parseMap(values, "dm3-relay Cassandra endpoint");
  }

  /** A plain driver session to this Cassandra (no keyspace), for administration and tests. */
  public CqlSession openSession(Duration requestTimeout) {
    ProgrammaticDriverConfigLoaderBuilder config =
        DriverConfigLoader.programmaticBuilder()
            .withStringList(DefaultDriverOption.CONTACT_POINTS, contactPoints)
            .withString(
                DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, settings.localDatacenter())
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
            .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, true);
    if (settings.username().isPresent()) {
      config
          .withString(DefaultDriverOption.AUTH_PROVIDER_CLASS, "PlainTextAuthProvider")
          .withString(DefaultDriverOption.AUTH_PROVIDER_USER_NAME, settings.username().get())
          .withString(DefaultDriverOption.AUTH_PROVIDER_PASSWORD, settings.password().orElse(""));
    }
    return CqlSession.builder().withConfigLoader(config.build()).build();
  }

  /** Stops the embedded Cassandra, if this relay runs one. An external cluster is left alone. */
  @Override
  public void close() {
    embedded.ifPresent(EmbeddedCassandra::stop);
    lock.ifPresent(DataDirLock::release);
  }
}
