package dev.dm3relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
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
    // a reference config.yml (DS_CONFIG) stands for variables, below the real ones
    environment = ReferenceConfigFile.under(environment);
    Config unresolved =
        overrides
            .withFallback(ConfigFactory.defaultOverrides())
            .withFallback(ConfigFactory.parseResources("application.conf"))
            .withFallback(ConfigFactory.defaultReferenceUnresolved());
    // keys, not paths: a variable's name is one key whatever characters it has
    Config env = ConfigValueFactory.fromMap(Map.copyOf(environment), "environment").toConfig();
    ConfigObject resolved = unresolved.withFallback(env).resolve(ConfigResolveOptions.noSystem()).root();
    // The variables were there to fill ${?VAR}; the rest of the environment (keys, passwords of
    // other programs) has no business in the configuration the actor system carries around.
    for (String name : environment.keySet()) {
      if (!unresolved.root().containsKey(name)) {
        resolved = resolved.withoutKey(name);
      }
    }
    return resolved.toConfig();
  }

  /** {@link #load(Config, Map)} with this process's environment. */
  public static Config load(Config overrides) {
    return load(overrides, System.getenv());
  }

  public static Config load() {
    return load(ConfigFactory.empty());
  }
}
