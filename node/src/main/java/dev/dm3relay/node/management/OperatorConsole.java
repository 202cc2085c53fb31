package dev.dm3relay.node.management;

import dev.dm3relay.node.admin.AdminSettings;
import dev.dm3relay.node.admin.Administration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * Where the management port's routes find what Relay wires: Pekko Management starts (and builds
 * {@link OperatorRoutes}) before the use cases exist, so the routes look the administration up
 * here at request time.
 */
public final class OperatorConsole implements Extension {

  /** The administration and its settings, once the relay is wired. */
  public record Installed(Administration administration, AdminSettings settings) {}

  private final AtomicReference<Installed> installed = new AtomicReference<>();

  public void install(Administration administration, AdminSettings settings) {
    installed.set(new Installed(administration, settings));
  }

  Installed installed() {
    return installed.get();
  }

  public static OperatorConsole get(ActorSystem system) {
    return Id.INSTANCE.get(system);
  }

  public static OperatorConsole get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return Id.INSTANCE.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
  }

  static final class Id extends AbstractExtensionId<OperatorConsole> implements ExtensionIdProvider {
    static final Id INSTANCE = new Id();

    @Override
    public OperatorConsole createExtension(ExtendedActorSystem system) {
      return new OperatorConsole();
    }

    @Override
    public Id lookup() {
      return INSTANCE;
    }
  }
}
