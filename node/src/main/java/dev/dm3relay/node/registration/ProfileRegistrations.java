package dev.dm3relay.node.registration;

import dev.dm3relay.node.auth.Sessions;
import dev.dm3relay.node.core.Account;
import dev.dm3relay.node.core.ErrorCode;
import dev.dm3relay.node.core.NameResolver;
import dev.dm3relay.node.ens.PublishedProfiles;
import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.node.ratelimit.RateLimits;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.profile.ProfileKeyCheck;
import dev.dm3relay.protocol.profile.ProfileSignature;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The register-profile use case, {@code POST /profile/:name}: an account's signed profile, stored
 * at this relay, and what is registered for a name. The rules:
 *
 * <ol>
 *   <li>the name resolves to an address, the profile's EIP-191 signature is by that address, and
 *       its keys are usable ({@link ProfileKeyCheck});
 *   <li>a first registration is stored; the profile already registered is an idempotent success;
 *   <li>a different profile replaces the registered one only with proof that the poster holds
 *       the account: a session token for this name (a login signed with the current key), or, on a
 *       relay with a chain, the posted profile being the one the name publishes in ENS. Without
 *       proof it is refused, so that an old profile of the same wallet (a signed profile has no
 *       version) cannot be replayed to roll the account back to keys it no longer uses.
 * </ol>
 *
 * What a successful registration returns authorizes nothing ({@link Sessions#registrationReceipt}).
 */
public final class ProfileRegistrations {

  private final NameResolver names;
  private final MailboxService mailboxes;
  private final Sessions sessions;
  private final PublishedProfiles published;
  private final RateLimits rateLimits;

  public ProfileRegistrations(
      NameResolver names, MailboxService mailboxes, Sessions sessions, PublishedProfiles published, RateLimits rateLimits) {
    this.rateLimits = rateLimits;
    this.names = names;
    this.mailboxes = mailboxes;
    this.sessions = sessions;
    this.published = published;
  }

  /** How a registration ended. */
  public sealed interface Result {
    /** Stored now, or was stored already: the receipt to answer with. */
    record Registered(String receipt, boolean changed) implements Result {
      @Override
      public ErrorCode code() {
        throw new IllegalStateException("a registration is no refusal");
      }
    }

    /** The dm3 error code of a refusal. */
    ErrorCode code();

    record Unresolvable(String name) implements Result {
      @Override
      public ErrorCode code() {
        return ErrorCode.RESOURCE_NOT_FOUND;
      }
    }

    /** The profile's signature is not by the name's address. */
    record NotSignedByAddress(String address) implements Result {
      @Override
      public ErrorCode code() {
        return ErrorCode.INVALID_INPUT;
      }
    }

    /** The profile's keys cannot be used. */
    record UnusableKeys(String reason) implements Result {
      @Override
      public ErrorCode code() {
        return ErrorCode.INVALID_INPUT;
      }
    }

    /** The client registered as many new accounts as RATE_LIMIT_SIGNUP allows for now. */
    record RateLimited(long retryAfterSeconds) implements Result {
      @Override
      public ErrorCode code() {
        return ErrorCode.LIMIT_EXCEEDED;
      }
    }

    /**
     * Another profile is registered and nothing proves the poster holds the account; refused as
     * unauthorized: the proof that would allow the replacement is missing.
     */
    record Conflict(String address) implements Result {
      @Override
      public ErrorCode code() {
        return ErrorCode.UNAUTHORIZED;
      }
    }
  }

  /** What is registered for a name: {@code GET /profile/:name} and {@code dm3_getProfileExtension}. */
  public sealed interface Lookup {
    record Found(Account account) implements Lookup {}

    record Unresolvable(String name) implements Lookup {}

    /** The name resolves, but no profile is registered for its address here. */
    record NotRegistered(String address) implements Lookup {}
  }

  public CompletionStage<Lookup> lookup(String normalizedName) {
    return names
        .resolveAddress(normalizedName)
        .thenCompose(
            address ->
                address.isEmpty()
                    ? done(new Lookup.Unresolvable(normalizedName))
                    : mailboxes
                        .account(address.get())
                        .thenApply(
                            account ->
                                account.<Lookup>map(Lookup.Found::new).orElseGet(() -> new Lookup.NotRegistered(address.get()))));
  }

  /**
   * @param bearerToken the request's session token, if it sent one; it only matters when the
   *     account already has a different profile
   * @param client the client's address: a new account takes a token of its sign-up bucket
   *     (counted only once the profile checks out, so that refused posts cost nobody a sign-up)
   */
  public CompletionStage<Result> register(
      String normalizedName, SignedUserProfile profile, Optional<String> bearerToken, String client) {
    return names
        .resolveAddress(normalizedName)
        .thenCompose(
            address -> {
              if (address.isEmpty()) {
                return done(new Result.Unresolvable(normalizedName));
              }
              if (!ProfileSignature.isSignedBy(profile, address.get())) {
                return done(new Result.NotSignedByAddress(address.get()));
              }
              Optional<String> unusable = ProfileKeyCheck.problem(profile.profile());
              if (unusable.isPresent()) {
                return done(new Result.UnusableKeys(unusable.get()));
              }
              return mailboxes
                  .account(address.get())
                  .thenCompose(
                      current -> {
                        if (current.isEmpty()) {
                          long retryAfter = rateLimits.signup(client);
                          if (retryAfter > 0) {
                            return done(new Result.RateLimited(retryAfter));
                          }
                          return store(address.get(), profile, Mailbox.Replace.NEVER, null);
                        }
                        SignedUserProfile registered = current.get().profile();
                        if (registered.canonical().equals(profile.canonical())) {
                          return done(new Result.Registered(sessions.registrationReceipt(address.get()), false));
                        }
                        return replace(normalizedName, address.get(), registered, profile, bearerToken);
                      });
            });
  }

  private CompletionStage<Result> replace(
      String name, String address, SignedUserProfile registered, SignedUserProfile profile, Optional<String> bearerToken) {
    CompletionStage<Boolean> tokenProves =
        bearerToken.isEmpty()
            ? done(false)
            : sessions
                .authorizeToken(name, bearerToken.get())
                .thenApply(
                    outcome ->
                        outcome instanceof Sessions.Outcome.Granted<Sessions.Session> granted
                            && granted.value().account().profile().canonical().equals(registered.canonical()));
    return tokenProves.thenCompose(
        proven -> {
          if (proven) {
            // Replaced only if the profile the token was checked against is still the current one.
            return store(address, profile, Mailbox.Replace.IF_CURRENT, registered);
          }
          return published
              .of(name)
              .thenCompose(
                  ens ->
                      ens.isPresent() && ens.get().canonical().equals(profile.canonical())
                          ? store(address, profile, Mailbox.Replace.ALWAYS, null)
                          : done(new Result.Conflict(address)));
        });
  }

  private CompletionStage<Result> store(
      String address, SignedUserProfile profile, Mailbox.Replace replace, SignedUserProfile expected) {
    return mailboxes
        .registerProfile(address, profile, replace, expected)
        .thenApply(
            outcome ->
                switch (outcome) {
                  case REGISTERED -> new Result.Registered(sessions.registrationReceipt(address), true);
                  case UNCHANGED -> new Result.Registered(sessions.registrationReceipt(address), false);
                  case CONFLICT -> new Result.Conflict(address);
                });
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
