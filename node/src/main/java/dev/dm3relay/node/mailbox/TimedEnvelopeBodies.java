package dev.dm3relay.node.mailbox;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;

/** The body table with each write timed (successful or not): how long the submit path waits on it. */
final class TimedEnvelopeBodies implements EnvelopeBodies {

  private final EnvelopeBodies bodies;
  private final Timer writes;

  TimedEnvelopeBodies(EnvelopeBodies bodies, Timer writes) {
    this.bodies = bodies;
    this.writes = writes;
  }

  @Override
  public CompletionStage<Done> write(String mailbox, String bodyKey, String envelopeJson, long storedAt, Duration ttl) {
    long began = System.nanoTime();
    return bodies
        .write(mailbox, bodyKey, envelopeJson, storedAt, ttl)
        .whenComplete((done, failure) -> writes.record(System.nanoTime() - began, TimeUnit.NANOSECONDS));
  }

  @Override
  public CompletionStage<Done> delete(String mailbox, Collection<String> bodyKeys) {
    return bodies.delete(mailbox, bodyKeys);
  }

  @Override
  public CompletionStage<Optional<String>> readOne(String mailbox, String bodyKey) {
    return bodies.readOne(mailbox, bodyKey);
  }
}
