package dev.dm3relay.node.auth;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletionStage;

/**
 * The ledger in Cassandra: a lightweight transaction ({@code INSERT … IF NOT EXISTS}) decides which
 * node's login wins, and the row expires with the challenge. Logins are rare, so Paxos's extra
 * round trips cost nothing that matters.
 */
public final class CassandraChallengeLedger implements ChallengeLedger {

  private final CqlSession session;
  private final PreparedStatement insert;

  public CassandraChallengeLedger(CqlSession session, String keyspace) {
    this.session = session;
    this.insert =
        session.prepare(
            "INSERT INTO " + keyspace + ".used_challenges (challenge) VALUES (?) IF NOT EXISTS USING TTL ?");
  }

  @Override
  public CompletionStage<Boolean> useOnce(String challengeId, long forgetAfterSeconds) {
    int ttl = (int) Math.max(1, Math.min(forgetAfterSeconds, 86_400));
    return session.executeAsync(insert.bind(challengeId, ttl)).thenApply(rs -> rs.wasApplied());
  }
}
