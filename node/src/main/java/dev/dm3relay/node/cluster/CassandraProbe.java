package dev.dm3relay.node.cluster;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Whether this node reaches Cassandra right now, by a cheap query every second. The readiness
 * check reports it, and the API refuses writes at once with 503 while it is down, instead of
 * letting each request wait for its own timeout.
 */
public final class CassandraProbe implements Extension {

  private static final SimpleStatement PING =
      SimpleStatement.newInstance("SELECT release_version FROM system.local").setTimeout(Duration.ofSeconds(2));

  private final AtomicBoolean reachable = new AtomicBoolean(false);
  private final AtomicBoolean started = new AtomicBoolean(false);
  private volatile int consecutiveFailures;

  /** Pekko extension id: one probe per actor system, found by the management health checks. */
  public static final class Id extends AbstractExtensionId<CassandraProbe> {
    @Override
    public CassandraProbe createExtension(ExtendedActorSystem system) {
      return new CassandraProbe();
    }
  }

  public static final Id ID = new Id();

  public static CassandraProbe get(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  public static CassandraProbe get(org.apache.pekko.actor.ActorSystem system) {
    return ID.get(system);
  }

  /** Starts pinging through {@code session}; the first answer makes the node reachable. */
  public void start(ActorSystem<?> system, CqlSession session, Duration every) {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, every, () -> ping(session), system.executionContext());
  }

  private void ping(CqlSession session) {
    session
        .executeAsync(PING)
        .whenComplete(
            (rs, failure) -> {
              if (failure == null) {
                consecutiveFailures = 0;
                reachable.set(true);
              } else if (++consecutiveFailures >= 2) {
                // one lost ping is noise; two in a row is an outage
                reachable.set(false);
              }
            });
  }

  public boolean reachable() {
    return reachable.get();
  }
}
