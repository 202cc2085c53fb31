package dev.dm3relay.node.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node finds its cluster. {@code DISCOVERY_METHOD} unset: a single node that joins itself
 * (or static seed nodes, if configured). {@code config}: Cluster Bootstrap over the management
 * endpoints listed in {@code CLUSTER_CONTACT_POINTS} (local multi-node runs, ops/cluster).
 * {@code kubernetes-api}: Cluster Bootstrap over the pods the Kubernetes API lists by label. Pekko
 * Management (health checks, bootstrap contact point) runs on every node.
 */
public final class ClusterFormation {

  private static final Logger log = LoggerFactory.getLogger(ClusterFormation.class);
  private static final String SERVICE = "dm3-relay";

  private ClusterFormation() {}

  /**
   * Settings derived from the environment that HOCON cannot express: the config-discovery
   * endpoints from {@code CLUSTER_CONTACT_POINTS} ("host:port,host:port").
   */
  public static Config discoveryOverrides(Config config) {
    String method = config.getString("dm3relay.cluster.discovery-method").trim();
    Map<String, Object> values = new HashMap<>();
    if (!method.isEmpty()) {
      values.put("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method", method);
    }
    String contactPoints = config.getString("dm3relay.cluster.contact-points").trim();
    if (method.equals("config")) {
      if (contactPoints.isEmpty()) {
        throw new IllegalArgumentException("DISCOVERY_METHOD=config needs CLUSTER_CONTACT_POINTS (host:managementPort,...)");
      }
      List<Map<String, Object>> endpoints = new ArrayList<>();
      for (String point : contactPoints.split(",")) {
        String p = point.trim();
        int colon = p.lastIndexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("CLUSTER_CONTACT_POINTS entry is not host:port: " + p);
        }
        endpoints.add(Map.of("host", p.substring(0, colon), "port", Integer.parseInt(p.substring(colon + 1))));
      }
      values.put("pekko.discovery.config.services." + SERVICE + ".endpoints", endpoints);
    }
    return ConfigFactory.parseMap(values, "cluster discovery from the environment");
  }

  /** Starts management and forms or joins the cluster; returns the management port. */
  public static int start(ActorSystem<?> system, Config config) {
    int managementPort;
    try {
      managementPort =
          PekkoManagement.get(Adapter.toClassic(system)).start().toCompletableFuture().get(30, TimeUnit.SECONDS).port();
    } catch (Exception e) {
      throw new IllegalStateException("Pekko Management failed to start: " + e.getMessage(), e);
    }
    String method = config.getString("dm3relay.cluster.discovery-method").trim();
    Cluster cluster = Cluster.get(system);
    if (!method.isEmpty()) {
      log.info("Forming the cluster by Cluster Bootstrap ({} discovery)", method);
      ClusterBootstrap.get(Adapter.toClassic(system)).start();
    } else if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      // A single relay node forms its own cluster.
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    return managementPort;
  }

  /** Waits until this node is a member that is Up, e.g. before taking traffic in tests. */
  public static boolean awaitUp(ActorSystem<?> system, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Cluster cluster = Cluster.get(system);
    while (System.nanoTime() < deadline) {
      if (cluster.selfMember().status() == org.apache.pekko.cluster.MemberStatus.up()) {
        return true;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
