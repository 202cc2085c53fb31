package dev.dm3relay.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraSchemaTest {

  @Test
  void schemaFileRendersKeyspaceAndReplicationIntoIdempotentStatements() {
    List<String> statements =
        CassandraSchema.statements("relay_ks", Replication.parse("NetworkTopologyStrategy:dc1=3,dc2=3"));
    // The keyspace first, then at least the journal, snapshot and body tables; other features
    // add their tables to the same file.
    assertTrue(statements.get(0).startsWith("CREATE KEYSPACE IF NOT EXISTS relay_ks"), statements.get(0));
    for (String table : List.of("messages", "metadata", "all_persistence_ids", "snapshots", "envelope_bodies")) {
      assertTrue(
          statements.stream().anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS relay_ks." + table + " ")),
          "schema creates " + table);
    }
    assertTrue(
        statements.get(0).contains(
            "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3}"),
        statements.get(0));
    for (String cql : statements) {
      assertTrue(cql.contains("IF NOT EXISTS relay_ks"), cql);
      assertTrue(cql.endsWith(";"), cql);
      assertTrue(!cql.contains("{{"), cql);
    }
    assertTrue(statements.stream().noneMatch(s -> s.contains("tag_views")));
  }

  @Test
  void replicationShortFormIsValidated() {
    assertEquals(
        "{'class': 'SimpleStrategy', 'replication_factor': 1}",
        Replication.parse("SimpleStrategy:1").toCql());
    assertThrows(IllegalArgumentException.class, () -> Replication.parse("SimpleStrategy"));
    assertThrows(IllegalArgumentException.class, () -> Replication.parse("SimpleStrategy:0"));
    assertThrows(IllegalArgumentException.class, () -> Replication.parse("Nope:1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Replication.parse("NetworkTopologyStrategy:dc1=3'}; DROP"));
    assertThrows(IllegalArgumentException.class, () -> CassandraSchema.statements("a;b", Replication.parse("SimpleStrategy:1")));
  }
}
