package dev.dm3relay.node.mailbox;

import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.ProfileExtension;
import dev.dm3relay.protocol.model.SignedUserProfile;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.pattern.StatusReply;

/** The delivery API's view of the sharded {@link Mailbox} entities. */
public final class ShardedMailboxService implements MailboxService {

  private static final String QUOTA_REFUSAL = "mailbox quota exceeded";

  private final Mailboxes mailboxes;

  /**
   * Parsed accounts by address, reused while the mailbox returns the same JSON: every submit looks
   * up its receiver, and parsing the signed profile each time is per-message work that need not be.
   * Bounded crudely (cleared when full): a miss only costs one parse.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, CachedAccount> parsed =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final int MAX_CACHED_ACCOUNTS = 20_000;

  private record CachedAccount(Mailbox.Account source, Account account) {}

  public ShardedMailboxService(Mailboxes mailboxes) {
    this.mailboxes = mailboxes;
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
  public CompletionStage<Account> registerProfile(String address, SignedUserProfile profile, long nowMs) {
    String key = MailboxAddress.checksummed(address);
    return mailboxes
        .registerProfile(key, profile.canonical())
        .thenCompose(done -> account(key))
        .thenApply(account -> account.orElseThrow(() -> new IllegalStateException("profile registered but not found")));
  }

  @Override
  public CompletionStage<BufferOutcome> buffer(String address, BufferedEnvelope envelope) {
    IncomingEnvelope incoming =
        new IncomingEnvelope(envelope.conversationId(), envelope.senderName(), envelope.ackHash(), envelope.json());
    return mailboxes
        .buffer(address, incoming)
        .handle(
            (buffered, failure) -> {
              if (failure == null) {
                return buffered.duplicate() ? BufferOutcome.ALREADY_STORED : BufferOutcome.STORED;
              }
              Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
              if (cause instanceof StatusReply.ErrorMessage error && error.getMessage().startsWith(QUOTA_REFUSAL)) {
                return BufferOutcome.MAILBOX_FULL;
              }
              throw new CompletionException(cause);
            });
  }

  @Override
  public CompletionStage<List<String>> incoming(String address) {
    return mailboxes.listIncoming(address).thenApply(list -> list.stream().map(Mailboxes.StoredEnvelope::json).toList());
  }

  @Override
  public CompletionStage<List<String>> conversation(String address, String conversationId) {
    // The reference's per-contact route is deprecated; the incoming window already holds up to
    // 1001 newest envelopes of each conversation, so filtering it answers the same question.
    return mailboxes
        .listIncoming(address)
        .thenApply(
            list ->
                list.stream()
                    .filter(e -> e.message().conversationId().equals(conversationId))
                    .map(Mailboxes.StoredEnvelope::json)
                    .toList());
  }

  @Override
  public CompletionStage<Integer> acknowledge(String address, List<Ack> acknowledgements) {
    // One command and one event for the client's whole sync, however many envelopes it names.
    return mailboxes.acknowledgeAll(
        address, acknowledgements.stream().map(a -> new Mailbox.Ack(a.senderName(), a.messageHash())).toList());
  }

  private Account toAccount(String address, Mailbox.Account account) {
    CachedAccount cached = parsed.get(address);
    // counts change with every message; only the JSON the Account is built from matters
    if (cached != null
        && cached.source().signedProfileJson().equals(account.signedProfileJson())
        && java.util.Objects.equals(cached.source().profileExtensionJson(), account.profileExtensionJson())
        && java.util.Objects.equals(cached.source().spamFilterRulesJson(), account.spamFilterRulesJson())) {
      return cached.account();
    }
    Account fresh = parse(address, account);
    if (parsed.size() >= MAX_CACHED_ACCOUNTS) {
      parsed.clear();
    }
    parsed.put(address, new CachedAccount(account, fresh));
    return fresh;
  }

  private static Account parse(String address, Mailbox.Account account) {
    ProfileExtension extension =
        account.profileExtensionJson() == null
            ? ProfileExtension.DEFAULT
            : ProfileExtension.fromJson(Json.parse(account.profileExtensionJson()));
    return new Account(
        address, SignedUserProfile.fromJson(Json.parse(account.signedProfileJson())), extension, account.spamFilterRulesJson());
  }
}
