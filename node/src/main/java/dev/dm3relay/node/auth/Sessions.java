package dev.dm3relay.node.auth;

import dev.dm3relay.node.core.NameResolver;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.node.ratelimit.RateLimits;
import dev.dm3relay.node.core.Account;
import dev.dm3relay.node.core.ErrorCode;
import dev.dm3relay.protocol.auth.InvalidTokenException;
import dev.dm3relay.protocol.auth.Jwt;
import dev.dm3relay.protocol.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Authentication as the reference does it (§4.4), with repairs: a challenge opens a session once
 * only and only for the name it was issued to; the challenge signature is checked against the
 * profile registered at this relay (whose EIP-191 signature binds it to the address), so that
 * address-based names log in without a chain; and only such a login yields a token that opens the
 * account. A session token is bound to the account's address and current signing key
 * ({@link Jwt#issueSessionToken}), so it stops working when the profile's keys change; what
 * {@code POST /profile} answers ({@link #registrationReceipt}) opens nothing, because a profile is
 * public and posting it proves nothing about who holds its keys.
 */
public final class Sessions {

  private final Jwt jwt;
  private final NameResolver names;
  private final MailboxService mailboxes;
  private final ChallengeLedger ledger;
  private final Clock clock;
  private final MeterRegistry registry;
  private final RateLimits rateLimits;

  public Sessions(
      Jwt jwt,
      NameResolver names,
      MailboxService mailboxes,
      ChallengeLedger ledger,
      Clock clock,
      MeterRegistry registry,
      RateLimits rateLimits) {
    this.rateLimits = rateLimits;
    this.jwt = jwt;
    this.names = names;
    this.mailboxes = mailboxes;
    this.ledger = ledger;
    this.clock = clock;
    this.registry = registry;
  }

  /** {@code dm3_relay_auth_total{step="challenge|login|token", outcome}}: no label names a user. */
  private <T> CompletionStage<Outcome<T>> counted(String step, CompletionStage<Outcome<T>> outcome) {
    return outcome.whenComplete(
        (o, failure) ->
            registry
                .counter("dm3.relay.auth", "step", step, "outcome", failure != null ? "unavailable" : label(o))
                .increment());
  }

  private static String label(Outcome<?> outcome) {
    if (outcome instanceof Outcome.Granted<?>) {
      return "granted";
    }
    if (outcome instanceof Outcome.Unresolvable<?>) {
      return "unresolvable";
    }
    if (outcome instanceof Outcome.UnknownAccount<?>) {
      return "unknown_account";
    }
    if (outcome instanceof Outcome.RateLimited<?>) {
      return "rate_limited";
    }
    return "refused";
  }

  /** An authorized request: the account, and when its token expires (epoch seconds). */
  public record Session(Account account, long expiresAtSeconds) {}

  /** Outcome of a token check, a challenge or a login. */
  public sealed interface Outcome<T> {
    record Granted<T>(T value) implements Outcome<T> {
      @Override
      public ErrorCode code() {
        throw new IllegalStateException("a granted outcome is no refusal");
      }
    }

    /** The dm3 error code of a refusal. */
    ErrorCode code();

    /** The name resolves to no address. */
    record Unresolvable<T>(String name) implements Outcome<T> {
      @Override
      public ErrorCode code() {
        return ErrorCode.RESOURCE_NOT_FOUND;
      }
    }

    /** No account is registered for the address. */
    record UnknownAccount<T>(String name) implements Outcome<T> {
      @Override
      public ErrorCode code() {
        return ErrorCode.RESOURCE_NOT_FOUND;
      }
    }

    /** RATE_LIMIT_AUTH: too many challenges for this name, or from this client, this minute. */
    record RateLimited<T>(long retryAfterSeconds) implements Outcome<T> {
      @Override
      public ErrorCode code() {
        return ErrorCode.LIMIT_EXCEEDED;
      }
    }

    /** Token, challenge or signature refused; the reason is for logs. */
    record Refused<T>(String reason) implements Outcome<T> {
      @Override
      public ErrorCode code() {
        return ErrorCode.UNAUTHORIZED;
      }
    }
  }

  private long nowSeconds() {
    return clock.millis() / 1000;
  }

  /** The account for a normalised name, or why there is none. */
  public CompletionStage<Outcome<Account>> account(String normalizedName) {
    return names
        .resolveAddress(normalizedName)
        .thenCompose(
            address ->
                address.isEmpty()
                    ? CompletableFuture.completedFuture(new Outcome.Unresolvable<>(normalizedName))
                    : mailboxes
                        .account(address.get())
                        .thenApply(
                            account ->
                                account.<Outcome<Account>>map(Outcome.Granted::new)
                                    .orElseGet(() -> new Outcome.UnknownAccount<>(normalizedName))));
  }

  /** {@link #authorizeToken} with the token of an {@code Authorization: Bearer} header. */
  public CompletionStage<Outcome<Session>> authorize(String normalizedName, Optional<String> authorizationHeader) {
    Optional<String> token = authorizationHeader.flatMap(Sessions::bearer);
    if (token.isEmpty()) {
      return CompletableFuture.completedFuture(new Outcome.Refused<>("no bearer token"));
    }
    return authorizeToken(normalizedName, token.get());
  }

  /**
   * The reference's {@code checkToken}, tightened: the account exists, and the token is a session
   * token this service issued for exactly this (normalised) name after a login with the account's
   * current signing key, inside its lifetime.
   */
  public CompletionStage<Outcome<Session>> authorizeToken(String normalizedName, String token) {
    return counted("token", checkToken(normalizedName, token));
  }

  private CompletionStage<Outcome<Session>> checkToken(String normalizedName, String token) {
    if (token == null || token.isEmpty()) {
      return CompletableFuture.completedFuture(new Outcome.Refused<>("no token"));
    }
    return account(normalizedName)
        .thenApply(
            outcome -> {
              if (!(outcome instanceof Outcome.Granted<Account> granted)) {
                return relabel(outcome);
              }
              Account account = granted.value();
              try {
                Jwt.Claims claims = jwt.verifySessionToken(token, normalizedName, keyOf(account), nowSeconds());
                return new Outcome.Granted<>(new Session(account, claims.exp()));
              } catch (InvalidTokenException e) {
                return new Outcome.Refused<>(e.getMessage());
              }
            });
  }

  private static Jwt.AccountKey keyOf(Account account) {
    return new Jwt.AccountKey(account.address(), account.profile().profile().publicSigningKey());
  }

  /**
   * A fresh challenge for a known account ({@code GET /auth/:name}), within RATE_LIMIT_AUTH per
   * name and per client: every challenge is a row in the one-time ledger until it expires, so the
   * limits bound that table too.
   */
  public CompletionStage<Outcome<String>> challenge(String normalizedName, String client) {
    long retryAfter = rateLimits.challenge(normalizedName, client);
    if (retryAfter > 0) {
      return counted("challenge", CompletableFuture.completedFuture(new Outcome.RateLimited<>(retryAfter)));
    }
    return counted("challenge", account(normalizedName)
        .thenApply(
            outcome ->
                outcome instanceof Outcome.Granted<Account>
                    ? new Outcome.Granted<>(jwt.issueChallenge(normalizedName, UUID.randomUUID().toString(), nowSeconds()))
                    : relabel(outcome)));
  }

  /** Exchanges a signed challenge for a session token ({@code POST /auth/:name}). */
  public CompletionStage<Outcome<String>> login(String normalizedName, String challengeToken, String signatureBase64) {
    return counted("login", checkLogin(normalizedName, challengeToken, signatureBase64));
  }

  private CompletionStage<Outcome<String>> checkLogin(String normalizedName, String challengeToken, String signatureBase64) {
    long now = nowSeconds();
    Jwt.Claims claims;
    try {
      claims = jwt.verifyChallenge(challengeToken, now);
    } catch (InvalidTokenException e) {
      return CompletableFuture.completedFuture(new Outcome.Refused<>("challenge: " + e.getMessage()));
    }
    if (!claims.account().equals(normalizedName)) {
      return CompletableFuture.completedFuture(new Outcome.Refused<>("challenge was issued for another name"));
    }
    return account(normalizedName)
        .thenCompose(
            outcome -> {
              if (!(outcome instanceof Outcome.Granted<Account> granted)) {
                return CompletableFuture.completedFuture(relabel(outcome));
              }
              if (!signatureMatches(granted.value(), challengeToken, signatureBase64)) {
                return CompletableFuture.completedFuture(new Outcome.Refused<>("Signature invalid"));
              }
              return ledger
                  .useOnce(claims.challenge(), claims.exp() - now + 60)
                  .thenApply(
                      first ->
                          first
                              ? new Outcome.Granted<>(
                                  jwt.issueSessionToken(normalizedName, keyOf(granted.value()), nowSeconds()))
                              : new Outcome.Refused<>("challenge already used"));
            });
  }

  /**
   * What {@code POST /profile} returns: shaped like the reference's token for the lower-case
   * address, but it authorizes nothing (README, protocol choice 10).
   */
  public String registrationReceipt(String checksummedAddress) {
    return jwt.issueRegistrationReceipt(checksummedAddress.toLowerCase(java.util.Locale.ROOT), nowSeconds());
  }

  private static boolean signatureMatches(Account account, String challengeToken, String signatureBase64) {
    try {
      byte[] key = Base64.getDecoder().decode(account.profile().profile().publicSigningKey());
      byte[] signature = Base64.getDecoder().decode(signatureBase64);
      return Ed25519.verify(key, challengeToken.getBytes(StandardCharsets.UTF_8), signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A refusal of one kind of outcome as the same refusal of another. */
  private static <T> Outcome<T> relabel(Outcome<Account> outcome) {
    if (outcome instanceof Outcome.Unresolvable<Account> u) {
      return new Outcome.Unresolvable<>(u.name());
    }
    if (outcome instanceof Outcome.UnknownAccount<Account> u) {
      return new Outcome.UnknownAccount<>(u.name());
    }
    if (outcome instanceof Outcome.Refused<Account> r) {
      return new Outcome.Refused<>(r.reason());
    }
    throw new IllegalStateException("a granted outcome is not a refusal");
  }

  /** The token of an {@code Authorization: Bearer <token>} header, if it is one. */
  public static Optional<String> bearerToken(String header) {
    return bearer(header);
  }

  private static Optional<String> bearer(String header) {
    String h = header.trim();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = h.substring(7).trim();
      return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
    return Optional.empty();
  }
}
