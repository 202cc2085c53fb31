package dev.dm3relay.node.mailbox;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * Envelope bodies in {@code <keyspace>.envelope_bodies}, one partition per body, through the same
 * driver session the journal uses (one session, one connection pool per relay node).
 */
public final class CassandraEnvelopeBodies implements EnvelopeBodies {

  /** The journal's execution profile (QUORUM), so a body is as durable as the event indexing it. */
  static final String PROFILE = "pekko-persistence-cassandra-profile";
  /** Bodies outlive their index entry a little: the entity expires entries only when awake. */
  private static final Duration TTL_GRACE = Duration.ofDays(1);

  private final CqlSession session;
  private final PreparedStatement insert;
  private final PreparedStatement insertWithTtl;
  private final PreparedStatement delete;
  private final PreparedStatement select;

  public CassandraEnvelopeBodies(CqlSession session, String keyspace) {
    this.session = session;
    String table = keyspace + ".envelope_bodies";
    this.insert =
        session.prepare(
            "INSERT INTO " + table + " (mailbox, body_key, envelope, stored_at) VALUES (?, ?, ?, ?)");
    this.insertWithTtl =
        session.prepare(
            "INSERT INTO " + table + " (mailbox, body_key, envelope, stored_at) VALUES (?, ?, ?, ?)"
                + " USING TTL ?");
    this.delete = session.prepare("DELETE FROM " + table + " WHERE mailbox = ? AND body_key = ?");
    this.select =
        session.prepare("SELECT envelope FROM " + table + " WHERE mailbox = ? AND body_key = ?");
  }

  /** Shares the persistence plugin's driver session (pekko.persistence.cassandra). */
  public static CompletionStage<CassandraEnvelopeBodies> create(ActorSystem<?> system, String keyspace) {
    return CassandraSessionRegistry.get(system)
        .sessionFor(CassandraSessionSettings.create("pekko.persistence.cassandra"))
        .underlying()
        .thenApply(session -> new CassandraEnvelopeBodies(session, keyspace));
  }

  @Override
  public CompletionStage<Done> write(
      String mailbox, String bodyKey, String envelopeJson, long storedAt, Duration ttl) {
    BoundStatementBuilder statement =
        (ttl.isZero() ? insert : insertWithTtl)
            .boundStatementBuilder()
            .setString(0, mailbox)
            .setString(1, bodyKey)
            .setBytesUnsafe(2, utf8(envelopeJson))
            .setInstant(3, Instant.ofEpochMilli(storedAt));
    if (!ttl.isZero()) {
      statement.setInt(4, (int) Math.min(Integer.MAX_VALUE, ttl.plus(TTL_GRACE).toSeconds()));
    }
    return session
        .executeAsync(statement.setExecutionProfileName(PROFILE).setIdempotence(true).build())
        .thenApply(rs -> Done.getInstance());
  }

  /**
   * The envelope's UTF-8 bytes for the text column. The driver's text codec encodes through a
   * CharsetEncoder over a CharBuffer, char by char (2.5 % of the relay's CPU at 1,000 submits/s, far
   * more while the JIT is cold); String.getBytes is a copy for ASCII, which a canonical envelope is.
   * A canonical JSON string holds no lone surrogates (they are written as escapes), so the bytes
   * are the same as the codec's.
   */
  static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The text column's bytes as a String, without the codec's CharsetDecoder (see {@link #utf8}). */
  static String text(ByteBuffer bytes) {
    if (bytes.hasArray()) {
      return new String(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(), StandardCharsets.UTF_8);
    }
    byte[] copy = new byte[bytes.remaining()];
    bytes.duplicate().get(copy);
    return new String(copy, StandardCharsets.UTF_8);
  }

  @Override
  public CompletionStage<Done> delete(String mailbox, Collection<String> bodyKeys) {
    List<CompletableFuture<AsyncResultSet>> deletes = new ArrayList<>();
    for (String key : bodyKeys) {
      deletes.add(
          session
              .executeAsync(delete.bind(mailbox, key).setExecutionProfileName(PROFILE).setIdempotent(true))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
        .thenApply(v -> Done.getInstance());
  }

  @Override
  public CompletionStage<Optional<String>> readOne(String mailbox, String bodyKey) {
    return session
        .executeAsync(select.bind(mailbox, bodyKey).setExecutionProfileName(PROFILE).setIdempotent(true))
        .thenApply(
            rs -> {
              Row row = rs.one();
              ByteBuffer envelope = row == null ? null : row.getBytesUnsafe(0);
              return envelope == null ? Optional.<String>empty() : Optional.of(text(envelope));
            });
  }
}
