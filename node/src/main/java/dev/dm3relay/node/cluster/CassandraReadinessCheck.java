package dev.dm3relay.node.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/** Readiness: this node reaches Cassandra (Pekko Management instantiates it by class name). */
public final class CassandraReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final CassandraProbe probe;

  public CassandraReadinessCheck(ActorSystem system) {
    this.probe = CassandraProbe.get(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(probe.reachable());
  }
}
