package dev.dm3relay.node.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's CQL schema ({@code ops/cql/schema.cql}, packaged into the jar) with its placeholders
 * filled in. Journal and snapshot autocreate are off, so this file is what the tables look like.
 */
public final class CassandraSchema {

  private static final Logger log = LoggerFactory.getLogger(CassandraSchema.class);
  private static final String RESOURCE = "schema.cql";
  private static final Pattern KEYSPACE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");
  // Schema changes wait for agreement and take about a second each here; the 2 s default is tight.
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

  private CassandraSchema() {}

  /** The statements of schema.cql for this keyspace and replication, in file order. */
  public static List<String> statements(String keyspace, Replication replication) {
    if (!KEYSPACE_NAME.matcher(keyspace).matches()) {
      throw new IllegalArgumentException("Invalid keyspace name: " + keyspace);
    }
    String text =
        template()
            .replace("{{keyspace}}", keyspace)
            .replace("{{replication}}", replication.toCql());
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        statements.add(current.toString().strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("schema.cql ends without ';': " + current);
    }
    return statements;
  }

  /** Applies every statement; all are IF NOT EXISTS, so this is safe on every start. */
  public static void apply(CqlSession session, String keyspace, Replication replication) {
    long began = System.nanoTime();
    for (String cql : statements(keyspace, replication)) {
      session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
    }
    log.info(
        "Applied schema to keyspace {} ({}) in {} ms",
        keyspace, replication.toCql(), Duration.ofNanos(System.nanoTime() - began).toMillis());
  }

  private static String template() {
    try (InputStream in = CassandraSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("schema.cql is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
