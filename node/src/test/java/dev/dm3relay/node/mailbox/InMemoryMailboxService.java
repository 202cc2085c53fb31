package dev.dm3relay.node.mailbox;

import dev.dm3relay.node.core.Account;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.SignedUserProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The mailboxes as the use cases see them, in memory: accounts, buffered envelopes keyed by sender
 * and hash (duplicates are duplicates), a message quota, and what was asked of it. For the fast
 * tier of use-case tests; the entity itself is tested in MailboxTest and on Cassandra.
 */
public final class InMemoryMailboxService implements MailboxService {

  private final int maxMessages;
  private final Map<String, SignedUserProfile> profiles = new ConcurrentHashMap<>();
  private final Map<String, String> spamRules = new ConcurrentHashMap<>();
  private final Map<String, LinkedHashMap<String, BufferedEnvelope>> envelopes = new ConcurrentHashMap<>();
  private final Map<BufferedEnvelope, Long> storedAt = new ConcurrentHashMap<>();
  /** Every acknowledge call, as it reached the mailboxes. */
  public final List<List<Ack>> acknowledged = new ArrayList<>();
  /** The conversation ids listed, in order. */
  public final List<String> conversationsListed = new ArrayList<>();

  public InMemoryMailboxService(int maxMessages) {
    this.maxMessages = maxMessages;
  }

  public InMemoryMailboxService() {
    this(10_000);
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  @Override
  public CompletionStage<Optional<Account>> account(String address) {
    SignedUserProfile profile = profiles.get(address);
    return done(profile == null ? Optional.empty() : Optional.of(new Account(address, profile, spamRules.get(address))));
  }

  @Override
  public synchronized CompletionStage<Mailbox.RegistrationOutcome> registerProfile(
      String address, SignedUserProfile profile, Mailbox.Replace replace, SignedUserProfile expectedCurrent) {
    SignedUserProfile current = profiles.get(address);
    if (current != null && current.canonical().equals(profile.canonical())) {
      return done(Mailbox.RegistrationOutcome.UNCHANGED);
    }
    boolean allowed =
        current == null
            || replace == Mailbox.Replace.ALWAYS
            || (replace == Mailbox.Replace.IF_CURRENT && current.canonical().equals(expectedCurrent.canonical()));
    if (!allowed) {
      return done(Mailbox.RegistrationOutcome.CONFLICT);
    }
    profiles.put(address, SignedUserProfile.fromJson(Json.parse(profile.canonical())));
    return done(Mailbox.RegistrationOutcome.REGISTERED);
  }

  @Override
  public CompletionStage<Done> setSpamFilterRules(String address, String spamFilterRulesJson) {
    if (spamFilterRulesJson == null) {
      spamRules.remove(address);
    } else {
      spamRules.put(address, spamFilterRulesJson);
    }
    return done(Done.getInstance());
  }

  private java.util.List<dev.dm3relay.node.core.NotificationTarget> dueOnStore = java.util.List.of();

  /** What a stored envelope is due, as the entity would decide it (no live watcher). */
  public synchronized void dueOnStore(java.util.List<dev.dm3relay.node.core.NotificationTarget> due) {
    this.dueOnStore = due;
  }

  @Override
  public synchronized CompletionStage<Optional<Account>> recentAccount(String address) {
    Account stale = staleAccounts.get(address);
    return stale != null ? done(Optional.of(stale)) : account(address);
  }

  /**
   * Makes {@link #recentAccount} answer {@code account} for its address, as a node's cache does
   * after the account changed elsewhere, until a buffer finds out.
   */
  public synchronized void cacheStale(Account account) {
    staleAccounts.put(account.address(), account);
  }

  /** Every buffer call from now on finds the account changed (a race that never ends). */
  public void accountAlwaysChanged(boolean always) {
    this.accountAlwaysChanged = always;
  }

  /** The accounts the stored envelopes of {@code address} were stamped for, in order. */
  public synchronized List<Account> stampedFor(String address) {
    return List.copyOf(stampedFor.getOrDefault(address, List.of()));
  }

  private final Map<String, Account> staleAccounts = new HashMap<>();
  private final Map<String, List<Account>> stampedFor = new HashMap<>();
  private volatile boolean accountAlwaysChanged;

  @Override
  public synchronized CompletionStage<Buffering> buffer(String address, BufferedEnvelope envelope, Account stampedFor) {
    SignedUserProfile current = profiles.get(address);
    if (accountAlwaysChanged
        || current == null
        || !current.canonical().equals(stampedFor.profile().canonical())
        || !java.util.Objects.equals(spamRules.get(address), stampedFor.spamFilterRulesJson())) {
      staleAccounts.remove(address);
      return done(Buffering.of(BufferOutcome.ACCOUNT_CHANGED));
    }
    this.stampedFor.computeIfAbsent(address, a -> new ArrayList<>()).add(stampedFor);
    LinkedHashMap<String, BufferedEnvelope> box = envelopes.computeIfAbsent(address, a -> new LinkedHashMap<>());
    String key = envelope.senderName() + "\n" + envelope.ackHash();
    if (box.containsKey(key)) {
      return done(Buffering.of(BufferOutcome.ALREADY_STORED));
    }
    if (box.size() >= maxMessages) {
      return done(Buffering.of(BufferOutcome.MAILBOX_FULL));
    }
    box.put(key, envelope);
    storedAt.put(envelope, System.currentTimeMillis());
    return done(new Buffering(BufferOutcome.STORED, dueOnStore));
  }

  @Override
  public synchronized CompletionStage<Listing> incoming(String address) {
    return done(new Listing.Streaming(Source.from(jsonOf(address, null))));
  }

  @Override
  public synchronized CompletionStage<Listing> conversation(String address, String conversationId) {
    conversationsListed.add(conversationId);
    return done(new Listing.Streaming(Source.from(jsonOf(address, conversationId))));
  }

  private List<String> jsonOf(String address, String conversationId) {
    List<String> out = new ArrayList<>();
    envelopes.getOrDefault(address, new LinkedHashMap<>()).values().stream()
        .filter(e -> conversationId == null || Mailbox.conversationId(address, e.senderName()).equals(conversationId))
        .forEach(e -> out.add(e.json()));
    return out;
  }

  @Override
  public synchronized CompletionStage<Integer> acknowledge(String address, List<Ack> acks) {
    acknowledged.add(List.copyOf(acks));
    LinkedHashMap<String, BufferedEnvelope> box = envelopes.getOrDefault(address, new LinkedHashMap<>());
    int removed = 0;
    for (Ack ack : acks) {
      if (box.remove(ack.senderName() + "\n" + ack.messageHash()) != null) {
        removed++;
      }
    }
    return done(removed);
  }

  @Override
  public synchronized CompletionStage<Optional<MailboxStats>> stats(String address) {
    if (!profiles.containsKey(address)) {
      return done(Optional.empty());
    }
    List<BufferedEnvelope> box = buffered(address);
    return done(
        Optional.of(
            new MailboxStats(
                address,
                box.size(),
                box.stream().mapToLong(e -> e.json().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum(),
                box.stream().mapToLong(storedAt::get).min().orElse(0))));
  }

  @Override
  public synchronized CompletionStage<Integer> purge(String address) {
    LinkedHashMap<String, BufferedEnvelope> box = envelopes.remove(address);
    return done(box == null ? 0 : box.size());
  }

  /** The envelopes buffered for {@code address}, in store order. */
  public synchronized List<BufferedEnvelope> buffered(String address) {
    return List.copyOf(envelopes.getOrDefault(address, new LinkedHashMap<>()).values());
  }
}
