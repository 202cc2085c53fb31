package dev.dm3relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;

/** Loads the relay's configuration with overrides that still reach HOCON substitutions. */
public final class RelayConfig {

  private RelayConfig() {}

  /**
   * {@code overrides} over system properties over application.conf (and the files it includes) over
   * every reference.conf, resolved once at the end, with {@code environment} filling the {@code
   * ${?VAR}} entries. Resolving last matters: e.g. the journal's keyspace is {@code
   * ${dm3relay.cassandra.keyspace}}, so an override of the latter must be present before
   * resolution. The environment is a parameter so that a test can show what a variable does
   * without setting it for the whole JVM.
   */
  public static Config load(Config overrides, Map<String, String> environment) {
    // keys, not paths: a variable's name is one key whatever characters it has
    Config env = ConfigValueFactory.fromMap(Map.copyOf(environment), "environment").toConfig();
    return overrides
        .withFallback(ConfigFactory.defaultOverrides())
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .withFallback(env)
        .resolve(ConfigResolveOptions.noSystem());
  }

  /** {@link #load(Config, Map)} with this process's environment. */
  public static Config load(Config overrides) {
    return load(overrides, System.getenv());
  }

  public static Config load() {
    return load(ConfigFactory.empty());
  }
}
