package dev.dm3relay.node.auth;

import dev.dm3relay.node.ens.NameResolver;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.node.mailbox.MailboxService.Account;
import dev.dm3relay.protocol.auth.InvalidTokenException;
import dev.dm3relay.protocol.auth.Jwt;
import dev.dm3relay.protocol.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Authentication as the reference does it (§4.4), with two repairs: a challenge opens a session
 * once only and only for the name it was issued to, and the challenge signature is checked against
 * the profile registered at this relay (whose EIP-191 signature binds it to the address), so that
 * address-based names log in without a chain.
 */
public final class Sessions {

  private final Jwt jwt;
  private final NameResolver names;
  private final MailboxService mailboxes;
  private final ChallengeLedger ledger;
  private final Clock clock;

  public Sessions(Jwt jwt, NameResolver names, MailboxService mailboxes, ChallengeLedger ledger, Clock clock) {
    this.jwt = jwt;
    this.names = names;
    this.mailboxes = mailboxes;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Outcome of a token check, a challenge or a login. */
  public sealed interface Outcome<T> {
    record Granted<T>(T value) implements Outcome<T> {}

    /** The name resolves to no address. */
    record Unresolvable<T>(String name) implements Outcome<T> {}

    /** No account is registered for the address. */
    record UnknownAccount<T>(String name) implements Outcome<T> {}

    /** Token, challenge or signature refused; the reason is for logs. */
    record Refused<T>(String reason) implements Outcome<T> {}
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

  /**
   * The reference's {@code checkToken}: the account exists and the bearer token was issued by this
   * service for exactly this (normalised) name and is inside its lifetime.
   */
  public CompletionStage<Outcome<Account>> authorize(String normalizedName, Optional<String> authorizationHeader) {
    Optional<String> token = authorizationHeader.flatMap(Sessions::bearer);
    if (token.isEmpty()) {
      return CompletableFuture.completedFuture(new Outcome.Refused<>("no bearer token"));
    }
    try {
      jwt.verifyAuthToken(token.get(), normalizedName, nowSeconds());
    } catch (InvalidTokenException e) {
      return CompletableFuture.completedFuture(new Outcome.Refused<>(e.getMessage()));
    }
    return account(normalizedName);
  }

  /** A fresh challenge for a known account ({@code GET /auth/:name}). */
  public CompletionStage<Outcome<String>> challenge(String normalizedName) {
    return account(normalizedName)
        .thenApply(
            outcome ->
                outcome instanceof Outcome.Granted<Account>
                    ? new Outcome.Granted<>(jwt.issueChallenge(normalizedName, UUID.randomUUID().toString(), nowSeconds()))
                    : relabel(outcome));
  }

  /** Exchanges a signed challenge for a session token ({@code POST /auth/:name}). */
  public CompletionStage<Outcome<String>> login(String normalizedName, String challengeToken, String signatureBase64) {
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
                              ? new Outcome.Granted<>(jwt.issueAuthToken(normalizedName, nowSeconds()))
                              : new Outcome.Refused<>("challenge already used"));
            });
  }

  /** The token {@code POST /profile} returns: minted for the lower-case address, as the reference does. */
  public String profileToken(String checksummedAddress) {
    return jwt.issueAuthToken(checksummedAddress.toLowerCase(java.util.Locale.ROOT), nowSeconds());
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

  private static Optional<String> bearer(String header) {
    String h = header.trim();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = h.substring(7).trim();
      return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
    return Optional.empty();
  }
}
