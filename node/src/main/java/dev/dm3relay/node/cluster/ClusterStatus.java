package dev.dm3relay.node.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/** The cluster as the operator sees it: every member, and the mailbox shards and entities on each. */
public final class ClusterStatus {

  /** One member: its address, status, whether this node reaches it, and what it hosts. */
  public record Node(String address, String status, boolean reachable, int shards, int mailboxesActive) {}

  private final ActorSystem<?> system;
  private final EntityTypeKey<?> mailboxes;
  private final Duration timeout;

  public ClusterStatus(ActorSystem<?> system, EntityTypeKey<?> mailboxes, Duration timeout) {
    this.system = system;
    this.mailboxes = mailboxes;
    this.timeout = timeout;
  }

  public CompletionStage<List<Node>> nodes() {
    scala.concurrent.duration.FiniteDuration within = scala.concurrent.duration.FiniteDuration.fromNanos(timeout.toNanos());
    return AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
            ClusterSharding.get(system).shardState(),
            (ActorRef<ShardRegion.ClusterShardingStats> replyTo) ->
                new GetClusterShardingStats(mailboxes.asScala(), within, replyTo),
            timeout.plusSeconds(1),
            system.scheduler())
        .thenApply(
            stats -> {
              Map<Address, ShardRegion.ShardRegionStats> regions = stats.getRegions();
              var state = Cluster.get(system).state();
              List<Node> nodes = new ArrayList<>();
              for (Member m : state.getMembers()) {
                ShardRegion.ShardRegionStats region = regions.get(m.address());
                int shards = region == null ? 0 : region.getStats().size();
                int entities =
                    region == null ? 0 : region.getStats().values().stream().mapToInt(n -> ((Number) n).intValue()).sum();
                nodes.add(
                    new Node(
                        m.address().toString(),
                        m.status().toString().toLowerCase(java.util.Locale.ROOT),
                        !state.getUnreachable().contains(m),
                        shards,
                        entities));
              }
              return nodes;
            });
  }
}
