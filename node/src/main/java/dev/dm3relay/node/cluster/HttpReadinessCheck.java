package dev.dm3relay.node.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/** Readiness: the delivery API is bound (and not yet unbound by a shutdown). */
public final class HttpReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  /** The flag the relay sets once its HTTP port is bound. */
  public static final class Serving implements Extension {
    private final AtomicBoolean serving = new AtomicBoolean(false);

    public void set(boolean value) {
      serving.set(value);
    }

    public boolean get() {
      return serving.get();
    }
  }

  public static final class Id extends AbstractExtensionId<Serving> {
    @Override
    public Serving createExtension(ExtendedActorSystem system) {
      return new Serving();
    }
  }

  public static final Id ID = new Id();

  private final Serving serving;

  public HttpReadinessCheck(ActorSystem system) {
    this.serving = ID.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(serving.get());
  }
}
