package dev.dm3relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Loads the relay's configuration with overrides that still reach HOCON substitutions. */
public final class RelayConfig {

  private RelayConfig() {}

  /**
   * {@code overrides} over system properties over application.conf (and the files it includes) over
   * every reference.conf, resolved once at the end. Resolving last matters: e.g. the journal's
   * keyspace is {@code ${dm3relay.cassandra.keyspace}}, so an override of the latter must be
   * present before resolution. Environment variables fill the {@code ${?VAR}} entries.
   */
  public static Config load(Config overrides) {
    return overrides
        .withFallback(ConfigFactory.defaultOverrides())
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .resolve();
  }

  public static Config load() {
    return load(ConfigFactory.empty());
  }
}
