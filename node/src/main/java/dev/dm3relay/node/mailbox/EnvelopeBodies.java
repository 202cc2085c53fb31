package dev.dm3relay.node.mailbox;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Where envelope bodies live, apart from the mailbox's journal and snapshots so that neither ever
 * rewrites them. The relay uses {@link CassandraEnvelopeBodies}; the entity's unit test a map.
 */
public interface EnvelopeBodies {

  /**
   * Stores (or overwrites: writes are idempotent) one body.
   *
   * @param ttl zero for none; otherwise the storage may drop the body after it
   */
  CompletionStage<Done> write(
      String mailbox, String bodyKey, String envelopeJson, long storedAt, Duration ttl);

  CompletionStage<Done> delete(String mailbox, Collection<String> bodyKeys);

  /** One body, or empty when it is gone (expired, deleted). */
  CompletionStage<Optional<String>> readOne(String mailbox, String bodyKey);
}
