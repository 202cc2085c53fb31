package dev.dm3relay.node.mailbox;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/** Envelope bodies in a map, for the entity's unit test; can be told to fail writes. */
class InMemoryEnvelopeBodies implements EnvelopeBodies {

  final Map<String, String> bodies = new ConcurrentHashMap<>();
  volatile boolean failWrites;
  /** When set, writes complete only when it does (a slow Cassandra). */
  volatile CompletableFuture<Done> holdWrites;

  @Override
  public CompletionStage<Done> write(
      String mailbox, String bodyKey, String envelopeJson, long storedAt, Duration ttl) {
    if (failWrites) {
      return CompletableFuture.failedFuture(new IllegalStateException("disk on fire"));
    }
    CompletableFuture<Done> hold = holdWrites;
    if (hold != null) {
      return hold.thenApply(done -> {
        bodies.put(mailbox + "/" + bodyKey, envelopeJson);
        return done;
      });
    }
    bodies.put(mailbox + "/" + bodyKey, envelopeJson);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> delete(String mailbox, Collection<String> bodyKeys) {
    bodyKeys.forEach(k -> bodies.remove(mailbox + "/" + k));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<java.util.Optional<String>> readOne(String mailbox, String bodyKey) {
    return CompletableFuture.completedFuture(java.util.Optional.ofNullable(bodies.get(mailbox + "/" + bodyKey)));
  }
}
