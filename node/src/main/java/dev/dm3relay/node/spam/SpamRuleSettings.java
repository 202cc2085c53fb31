package dev.dm3relay.node.spam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.core.Account;
import dev.dm3relay.node.ens.SpamRules;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A receiver's own spam rules (§5.8: {@code minNonce}, {@code minBalance}, {@code
 * minTokenBalance}), read and set by the authorized account. The reference keeps such rules in the
 * account but offers no way to set them; here they are stored in the mailbox (one event), and
 * every later submit to the account is judged by them (refused with -32010 when one fails).
 */
public final class SpamRuleSettings {

  private final MailboxService mailboxes;
  private final boolean chainReadable;

  /**
   * @param chainReadable whether this relay reads a chain (an RPC is configured). Without one no
   *     rule can be checked and a set rule would refuse every sender, so none can be set.
   */
  public SpamRuleSettings(MailboxService mailboxes, boolean chainReadable) {
    this.mailboxes = mailboxes;
    this.chainReadable = chainReadable;
  }

  /** How setting rules ended. */
  public sealed interface Result {
    /** Stored; {@code rulesJson} is what submits are judged by now ({@code {}}: none). */
    record Saved(String rulesJson) implements Result {}

    record Invalid(String reason) implements Result {}
  }

  /** The account's rules as canonical JSON; {@code {}} when none are set. */
  public String rulesOf(Account account) {
    String stored = account.spamFilterRulesJson();
    return stored == null ? "{}" : CanonicalJson.stringify(SpamRules.fromJson(Json.parse(stored)).toJson());
  }

  /** Replaces every rule with {@code rules}; {@code {}} clears them. */
  public CompletionStage<Result> set(Account account, JsonNode rules) {
    SpamRules parsed;
    try {
      parsed = SpamRules.fromRequest(rules);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Result.Invalid(e.getMessage()));
    }
    if (!parsed.isEmpty() && !chainReadable) {
      return CompletableFuture.completedFuture(
          new Result.Invalid("this relay reads no chain (no RPC configured), so spam rules cannot be checked here"));
    }
    String json = CanonicalJson.stringify(parsed.toJson());
    return mailboxes
        .setSpamFilterRules(account.address(), parsed.isEmpty() ? null : json)
        .thenApply(done -> new Result.Saved(json));
  }
}
