package dev.dm3relay.node.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster as Prometheus sees it from this node: members by status, unreachable members, and
 * the shards and entities of one entity type (the mailboxes) living here. The shard counts are
 * polled from the local shard region (a gauge cannot ask), so they lag by up to {@code every}.
 */
public final class ClusterMeters {

  private static final MemberStatus[] STATUSES = {
    MemberStatus.joining(), MemberStatus.weaklyUp(), MemberStatus.up(), MemberStatus.leaving(),
    MemberStatus.exiting(), MemberStatus.down(), MemberStatus.removed()
  };

  private ClusterMeters() {}

  /**
   * @param hostedShards told the ids of the shards this node hosts after every poll
   */
  public static void bind(
      ActorSystem<?> system,
      MeterRegistry registry,
      EntityTypeKey<?> mailboxes,
      String entitiesMeter,
      Duration every,
      Consumer<Set<String>> hostedShards) {
    Cluster cluster = Cluster.get(system);
    for (MemberStatus status : STATUSES) {
      Gauge.builder("dm3.relay.cluster.members", cluster, c -> count(c.state(), status))
          .description("Cluster members by status, as this node sees them")
          .tag("status", status.toString().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
    Gauge.builder("dm3.relay.cluster.unreachable.members", cluster, c -> c.state().getUnreachable().size())
        .description("Members this node's failure detector marks unreachable")
        .register(registry);
    AtomicInteger shards = new AtomicInteger();
    AtomicInteger entities = new AtomicInteger();
    Gauge.builder("dm3.relay.shards", shards, AtomicInteger::get)
        .description("Mailbox shards hosted on this node")
        .register(registry);
    Gauge.builder(entitiesMeter, entities, AtomicInteger::get)
        .description("Mailbox entities alive (not passivated) on this node")
        .register(registry);
    ClusterSharding sharding = ClusterSharding.get(system);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ofSeconds(1),
            every,
            () ->
                AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                        sharding.shardState(),
                        (ActorRef<ShardRegion.CurrentShardRegionState> replyTo) -> new GetShardRegionState(mailboxes, replyTo),
                        every,
                        system.scheduler())
                    .whenComplete(
                        (state, failure) -> {
                          if (failure == null) {
                            shards.set(state.getShards().size());
                            hostedShards.accept(
                                state.getShards().stream().map(ShardRegion.ShardState::shardId).collect(Collectors.toSet()));
                            entities.set(state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum());
                          }
                        }),
            system.executionContext());
  }

  private static double count(ClusterEvent.CurrentClusterState state, MemberStatus status) {
    int n = 0;
    for (Member m : state.getMembers()) {
      if (m.status().equals(status)) {
        n++;
      }
    }
    return n;
  }
}
