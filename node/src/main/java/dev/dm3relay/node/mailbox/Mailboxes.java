package dev.dm3relay.node.mailbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The relay's mailboxes: sharded {@link Mailbox} entities plus the body table, behind plain
 * CompletionStage methods for the API layer. Addresses are checksummed here, so callers may pass
 * any case.
 */
public final class Mailboxes {

  private final ClusterSharding sharding;
  private final MailboxSettings settings;
  private final EnvelopeBodies bodies;

  private Mailboxes(ClusterSharding sharding, MailboxSettings settings, EnvelopeBodies bodies) {
    this.sharding = sharding;
    this.settings = settings;
    this.bodies = bodies;
  }

  /** Starts the Mailbox shard region on this node. */
  public static Mailboxes init(
      ActorSystem<?> system, MailboxSettings settings, EnvelopeBodies bodies, Clock clock) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
            Mailbox.ENTITY_TYPE_KEY,
            ctx -> Mailbox.create(ctx.getEntityId(), settings, bodies, clock)));
    return new Mailboxes(sharding, settings, bodies);
  }

  public EntityRef<Mailbox.Command> mailbox(String address) {
    return sharding.entityRefFor(Mailbox.ENTITY_TYPE_KEY, MailboxAddress.checksummed(address));
  }

  public CompletionStage<Done> registerProfile(String address, String signedProfileJson) {
    return direct(mailbox(address)
        .askWithStatus(r -> new Mailbox.RegisterProfile(signedProfileJson, r), settings.askTimeout()));
  }

  public CompletionStage<Done> setProfileExtension(String address, String profileExtensionJson) {
    return direct(mailbox(address)
        .askWithStatus(r -> new Mailbox.SetProfileExtension(profileExtensionJson, r), settings.askTimeout()));
  }

  public CompletionStage<Done> setSpamFilterRules(String address, String spamFilterRulesJson) {
    return direct(mailbox(address)
        .askWithStatus(r -> new Mailbox.SetSpamFilterRules(spamFilterRulesJson, r), settings.askTimeout()));
  }

  public CompletionStage<Done> setNotificationChannels(String address, String notificationChannelsJson) {
    return direct(mailbox(address)
        .askWithStatus(
            r -> new Mailbox.SetNotificationChannels(notificationChannelsJson, r), settings.askTimeout()));
  }

  public CompletionStage<Mailbox.Account> account(String address) {
    return direct(mailbox(address).askWithStatus(Mailbox.GetAccount::new, settings.askTimeout()));
  }

  /** Completes once the envelope is durable (body and event), or fails (quota, storage). */
  public CompletionStage<Mailbox.Buffered> buffer(String address, IncomingEnvelope envelope) {
    return direct(mailbox(address)
        .askWithStatus(r -> new Mailbox.BufferEnvelope(envelope, r), settings.askTimeout()));
  }

  public CompletionStage<Mailbox.Acknowledged> acknowledge(
      String address, String senderName, String messageHash) {
    return direct(mailbox(address)
        .askWithStatus(
            r -> new Mailbox.AcknowledgeMessage(senderName, messageHash, r), settings.askTimeout()));
  }

  /** All acknowledgements of one sync in one journal write; returns how many were removed. */
  public CompletionStage<Integer> acknowledgeAll(String address, List<Mailbox.Ack> acks) {
    return direct(mailbox(address)
        .<Mailbox.AcknowledgedMany>askWithStatus(
            r -> new Mailbox.AcknowledgeMessages(List.copyOf(acks), r), settings.askTimeout())
        .thenApply(Mailbox.AcknowledgedMany::removed));
  }

  public CompletionStage<Mailbox.Expired> expire(String address) {
    return direct(mailbox(address).askWithStatus(Mailbox.ExpireMessages::new, settings.askTimeout()));
  }

  /** A buffered envelope with its body, as returned to the receiver. */
  public record StoredEnvelope(StoredMessage message, String json) {}

  /**
   * The incoming window (dm3 reference: 101 conversations x 1001 messages, newest first) with
   * bodies. An index entry whose body is gone (expired by Cassandra's TTL first) is left out.
   */
  public CompletionStage<List<StoredEnvelope>> listIncoming(String address) {
    String mailbox = MailboxAddress.checksummed(address);
    return direct(mailbox(mailbox).askWithStatus(Mailbox.ListIncoming::new, settings.askTimeout()))
        .thenCompose(
            incoming ->
                bodies
                    .read(mailbox, incoming.messages().stream().map(StoredMessage::bodyKey).toList())
                    .thenApply(found -> join(incoming.messages(), found)));
  }

  /**
   * The ask's result as a plain CompletableFuture whose callbacks run where the ask completes.
   * {@code askWithStatus} returns Scala's converted CompletableFuture, which turns every
   * thenApply/thenCompose into its async form on the JDK's default executor: a hop to another pool
   * per callback (and, with a common pool of parallelism 1, a new thread per callback; Main also
   * raises that parallelism). Measured with ops/bench on 2 cores.
   */
  static <T> CompletionStage<T> direct(CompletionStage<T> ask) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    ask.whenCompleteAsync(
        (value, failure) -> {
          if (failure != null) {
            plain.completeExceptionally(failure);
          } else {
            plain.complete(value);
          }
        },
        Runnable::run);
    return plain;
  }

  private static List<StoredEnvelope> join(List<StoredMessage> index, Map<String, String> bodies) {
    List<StoredEnvelope> out = new ArrayList<>(index.size());
    for (StoredMessage m : index) {
      String json = bodies.get(m.bodyKey());
      if (json != null) {
        out.add(new StoredEnvelope(m, json));
      }
    }
    return out;
  }
}
