package dev.dm3relay.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Configuration for a test's own actor system that needs no cluster: the relay's settings with the
 * local actor provider, so that it binds no remoting port (a relay started by the README's first
 * command holds 25520 on the same machine while the tests run).
 */
public final class LocalSystems {

  private LocalSystems() {}

  public static Config config() {
    return ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load());
  }
}
