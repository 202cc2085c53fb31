package dev.dm3relay.node.metrics;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.CqlSessionProvider;
import org.apache.pekko.stream.connectors.cassandra.DriverConfigLoaderFromConfig;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * The Cassandra session of the journal, the snapshots, the body table and the challenges, built
 * as Pekko's default provider builds it, plus the node's metric registry: the driver then reports
 * its own request latencies, errors, pool and node states (cassandra.conf enables which) into the
 * registry served at {@code /metrics}. Named in persistence.conf as the plugin's session-provider.
 */
public final class MeteredSessionProvider implements CqlSessionProvider {

  private final ActorSystem system;
  private final Config config;

  public MeteredSessionProvider(ActorSystem system, Config config) {
    this.system = system;
    this.config = config;
  }

  @Override
  public Future<CqlSession> connect(ExecutionContext ec) {
    Config driverConfig = CqlSessionProvider.driverConfig(system, config);
    return FutureConverters.asScala(
        CqlSession.builder()
            .withConfigLoader(DriverConfigLoaderFromConfig.fromConfig(driverConfig))
            .withMetricRegistry(RelayMetrics.get(system).registry())
            .buildAsync());
  }
}
