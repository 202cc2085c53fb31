package dev.dm3relay.node.mailbox;

import dev.dm3relay.node.core.Account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.SignedUserProfile;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/** The delivery API's view of the sharded {@link Mailbox} entities. */
public final class ShardedMailboxService implements MailboxService {

  /** A listing not started this long after it was handed out gives its slot back. */
  private static final Duration UNSTARTED_LISTING_GRACE = Duration.ofSeconds(60);

  private final Mailboxes mailboxes;
  private final ListingSettings listing;
  private final ListingLimits listings;
  private final ActorSystem<?> system;

  /**
   * Parsed accounts by address, reused while the mailbox returns the same JSON: every submit looks
   * up its receiver, and parsing the signed profile each time is per-message work that need not be.
   */
  private final Cache<String, CachedAccount> parsed;

  private record CachedAccount(Mailbox.Account source, Account account) {}

  public ShardedMailboxService(Mailboxes mailboxes, ListingSettings listing, ActorSystem<?> system) {
    this.mailboxes = mailboxes;
    this.parsed =
        Caffeine.newBuilder()
            .maximumSize(mailboxes.settings().accountCacheSize())
            .expireAfterAccess(mailboxes.settings().accountCacheExpiry())
            .build();
    this.listing = listing;
    this.listings = new ListingLimits(listing);
    this.system = system;
    this.origin = org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().toString();
  }

  /** This node's address, the origin of the live envelopes it sends. */
  private final String origin;

  /** Parsed accounts held now (for tests of the bound). */
  long cachedAccounts() {
    parsed.cleanUp();
    return parsed.estimatedSize();
  }

  @Override
  public CompletionStage<Optional<Account>> account(String address) {
    String key = MailboxAddress.checksummed(address);
    return mailboxes
        .account(key)
        .thenApply(
            account ->
                account.signedProfileJson() == null
                    ? Optional.empty()
                    : Optional.of(toAccount(key, account)));
  }

  @Override
  public CompletionStage<Mailbox.RegistrationOutcome> registerProfile(
      String address, SignedUserProfile profile, Mailbox.Replace replace, SignedUserProfile expectedCurrent) {
    return mailboxes.registerProfile(
        MailboxAddress.checksummed(address),
        profile.canonical(),
        replace,
        expectedCurrent == null ? null : expectedCurrent.canonical());
  }

  @Override
  public CompletionStage<Optional<Account>> recentAccount(String address) {
    String key = MailboxAddress.checksummed(address);
    CachedAccount cached = parsed.getIfPresent(key);
    return cached != null ? CompletableFuture.completedFuture(Optional.of(cached.account())) : account(key);
  }

  @Override
  public CompletionStage<Buffering> buffer(String address, BufferedEnvelope envelope, Account stampedFor) {
    IncomingEnvelope incoming = new IncomingEnvelope(envelope.senderName(), envelope.ackHash(), envelope.json());
    String key = MailboxAddress.checksummed(address);
    CachedAccount cached = parsed.getIfPresent(key);
    // the stored JSON the account was parsed from: the cached strings when it came from the cache
    // (on the mailbox's node they compare by identity), else the canonical form, which is what
    // registration stores
    String profileJson =
        cached != null && cached.account() == stampedFor ? cached.source().signedProfileJson() : stampedFor.profile().canonical();
    return mailboxes
        .bufferAt(key, incoming, profileJson, stampedFor.spamFilterRulesJson())
        .thenApply(
            buffered ->
                switch (buffered.outcome()) {
                  case STORED -> {
                    // straight from here to each node with sockets of the account: the stored
                    // JSON travels once per node, and only to nodes that asked for it
                    if (!buffered.watchers().isEmpty()) {
                      Mailbox.LiveEnvelope live = new Mailbox.LiveEnvelope(key, envelope.json(), origin);
                      buffered.watchers().forEach(w -> w.tell(live));
                    }
                    yield new Buffering(BufferOutcome.STORED, buffered.due());
                  }
                  case DUPLICATE -> Buffering.of(BufferOutcome.ALREADY_STORED);
                  case MAILBOX_FULL -> Buffering.of(BufferOutcome.MAILBOX_FULL);
                  case SENDER_SHARE_FULL -> Buffering.of(BufferOutcome.SENDER_SHARE_FULL);
                  case RATE_LIMITED -> Buffering.of(BufferOutcome.RATE_LIMITED);
                  case ACCOUNT_CHANGED -> {
                    parsed.invalidate(key);
                    yield Buffering.of(BufferOutcome.ACCOUNT_CHANGED);
                  }
                });
  }

  @Override
  public CompletionStage<Listing> incoming(String address) {
    return listing(address, null);
  }

  @Override
  public CompletionStage<Listing> conversation(String address, String conversationId) {
    return listing(address, conversationId);
  }

  /**
   * A listing under the node's limits: its slot is held from here until the stream ends (or, if
   * the stream is never run, for a grace period), and the stream gives up on a client that stops
   * reading.
   */
  private CompletionStage<Listing> listing(String address, String conversationIdOrNull) {
    String key = MailboxAddress.checksummed(address);
    Optional<ListingLimits.Lease> slot = listings.tryAcquire(key);
    if (slot.isEmpty()) {
      return CompletableFuture.completedFuture(new Listing.Busy());
    }
    ListingLimits.Lease lease = slot.get();
    return mailboxes
        .listIncoming(key, conversationIdOrNull)
        .handle(
            (source, failure) -> {
              if (failure != null) {
                lease.release();
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
              }
              system.scheduler().scheduleOnce(UNSTARTED_LISTING_GRACE, lease::releaseIfNotStarted, system.executionContext());
              Source<String, NotUsed> guarded =
                  source
                      .idleTimeout(listing.idleTimeout())
                      .completionTimeout(listing.timeout())
                      .watchTermination(
                          (mat, done) -> {
                            lease.started();
                            done.whenComplete((ok, f) -> lease.release());
                            return mat;
                          });
              return new Listing.Streaming(guarded);
            });
  }

  /** Listings streaming on this node now. */
  public int activeListings() {
    return listings.active();
  }

  @Override
  public CompletionStage<Optional<MailboxStats>> stats(String address) {
    String key = MailboxAddress.checksummed(address);
    return mailboxes
        .stats(key)
        .thenApply(
            s -> s.registered() ? Optional.of(new MailboxStats(key, s.messages(), s.bytes(), s.oldestStoredAt())) : Optional.empty());
  }

  @Override
  public CompletionStage<Integer> purge(String address) {
    return mailboxes.purge(MailboxAddress.checksummed(address)).thenApply(Mailbox.Purged::count);
  }

  @Override
  public CompletionStage<org.apache.pekko.Done> setSpamFilterRules(String address, String spamFilterRulesJson) {
    String key = MailboxAddress.checksummed(address);
    return mailboxes.setSpamFilterRules(key, spamFilterRulesJson).whenComplete((done, failure) -> parsed.invalidate(key));
  }

  @Override
  public CompletionStage<Integer> acknowledge(String address, List<Ack> acknowledgements) {
    return mailboxes.acknowledgeAll(
        address, acknowledgements.stream().map(a -> new Mailbox.Ack(a.senderName(), a.messageHash())).toList());
  }

  private Account toAccount(String address, Mailbox.Account account) {
    CachedAccount cached = parsed.getIfPresent(address);
    // counts change with every message; only the JSON the Account is built from matters
    if (cached != null
        && cached.source().signedProfileJson().equals(account.signedProfileJson())
        && Objects.equals(cached.source().spamFilterRulesJson(), account.spamFilterRulesJson())) {
      return cached.account();
    }
    Account fresh = parse(address, account);
    parsed.put(address, new CachedAccount(account, fresh));
    return fresh;
  }

  private static Account parse(String address, Mailbox.Account account) {
    return new Account(
        address, SignedUserProfile.fromJson(Json.parse(account.signedProfileJson())), account.spamFilterRulesJson());
  }
}
