package dev.dm3relay.node.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A keyspace replication setting in the short form operators write in {@code CASSANDRA_REPLICATION}:
 * {@code SimpleStrategy:1} or {@code NetworkTopologyStrategy:dc1=3,dc2=3}.
 */
public record Replication(String strategy, Map<String, Integer> factors) {

  private static final Pattern DC_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  public Replication {
    factors = Map.copyOf(factors);
  }

  public static Replication parse(String spec) {
    String trimmed = spec.trim();
    int colon = trimmed.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "Replication must look like SimpleStrategy:1 or NetworkTopologyStrategy:dc1=3, got: " + spec);
    }
    String strategy = trimmed.substring(0, colon);
    String rest = trimmed.substring(colon + 1);
    Map<String, Integer> factors = new LinkedHashMap<>();
    switch (strategy) {
      case "SimpleStrategy" -> factors.put("replication_factor", positive(rest, spec));
      case "NetworkTopologyStrategy" -> {
        for (String pair : rest.split(",")) {
          String[] parts = pair.trim().split("=");
          if (parts.length != 2 || !DC_NAME.matcher(parts[0]).matches()) {
            throw new IllegalArgumentException("Bad data centre factor '" + pair + "' in: " + spec);
          }
          factors.put(parts[0], positive(parts[1], spec));
        }
      }
      default -> throw new IllegalArgumentException("Unknown replication strategy in: " + spec);
    }
    return new Replication(strategy, factors);
  }

  /** The CQL map literal for {@code CREATE KEYSPACE ... WITH replication = }. */
  public String toCql() {
    StringBuilder cql = new StringBuilder("{'class': '").append(strategy).append('\'');
    factors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> cql.append(", '").append(e.getKey()).append("': ").append(e.getValue()));
    return cql.append('}').toString();
  }

  private static int positive(String number, String spec) {
    try {
      int n = Integer.parseInt(number.trim());
      if (n < 1) {
        throw new IllegalArgumentException("Replication factor must be >= 1 in: " + spec);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Replication factor is not a number in: " + spec, e);
    }
  }
}
