package dev.dm3relay.node.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run the relay's own Cassandra child JVM.
 *
 * @param dataDir everything of this Cassandra lives here: data, commit log, conf, logs, pid file
 * @param serverLib directory of the cassandra-all runtime jars (see {@link CassandraServerJars})
 * @param host loopback address Cassandra listens on
 * @param cqlPort native transport (CQL) port
 * @param storagePort inter-node port; unused by a single node but always bound
 * @param heap JVM heap size, e.g. "1g"
 * @param startTimeout how long to wait for the CQL port to answer
 * @param stopTimeout how long to wait after SIGTERM before killing
 * @param testMode trade durability for speed: unsafe system tables, no auto snapshots
 */
public record EmbeddedCassandraSettings(
    Path dataDir,
    Path serverLib,
    String host,
    int cqlPort,
    int storagePort,
    String heap,
    Duration startTimeout,
    Duration stopTimeout,
    boolean testMode) {

  public EmbeddedCassandraSettings {
    dataDir = dataDir.toAbsolutePath().normalize();
    serverLib = serverLib.toAbsolutePath().normalize();
    if (cqlPort == storagePort) {
      throw new IllegalArgumentException("CQL and storage ports must differ: " + cqlPort);
    }
  }

  public EmbeddedCassandraSettings withDataDir(Path dir) {
    return new EmbeddedCassandraSettings(
        dir, serverLib, host, cqlPort, storagePort, heap, startTimeout, stopTimeout, testMode);
  }

  public EmbeddedCassandraSettings withPorts(int cql, int storage) {
    return new EmbeddedCassandraSettings(
        dataDir, serverLib, host, cql, storage, heap, startTimeout, stopTimeout, testMode);
  }
}
