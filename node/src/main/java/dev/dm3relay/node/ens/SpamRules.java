package dev.dm3relay.node.ens;

import dev.dm3relay.node.core.Account;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.crypto.Ethereum;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;

/**
 * A receiver's spam rules (§5.8, {@code Account.spamFilterRules}); a null rule is not set. Every
 * set rule must pass, and a sender exactly at a minimum passes.
 *
 * @param minNonce the sender's transaction count must be at least this
 * @param minBalance the sender's ETH balance in wei must be at least this
 * @param minTokenBalance the sender's balance of one ERC-20 token must be at least its amount
 */
public record SpamRules(Long minNonce, BigInteger minBalance, TokenRule minTokenBalance) {

  /** An ERC-20 token contract and the least balance of it (in the token's base units). */
  public record TokenRule(String address, BigInteger amount) {
    public TokenRule {
      address = Ethereum.checksumAddress(Objects.requireNonNull(address, "address"));
      Objects.requireNonNull(amount, "amount");
    }
  }

  public static final SpamRules NONE = new SpamRules(null, null, null);

  /** The rules an account set (spam.SpamRuleSettings stored them, so they read), if any. */
  public static java.util.Optional<SpamRules> of(Account account) {
    String json = account.spamFilterRulesJson();
    return json == null ? java.util.Optional.empty() : java.util.Optional.of(fromJson(dev.dm3relay.protocol.json.Json.parse(json)));
  }

  public boolean isEmpty() {
    return minNonce == null && minBalance == null && minTokenBalance == null;
  }

  /**
   * The reference's JSON shape: {@code {minNonce?: number, minBalance?: string, minTokenBalance?:
   * {address, amount}}}, where the amounts are what ethers' {@code BigNumber.from} takes (a decimal
   * or {@code 0x} hex string, or a number).
   *
   * @throws IllegalArgumentException when a rule is present but unreadable
   */
  public static SpamRules fromJson(JsonNode rules) {
    if (rules == null || rules.isNull() || rules.isMissingNode()) {
      return NONE;
    }
    if (!rules.isObject()) {
      throw new IllegalArgumentException("spamFilterRules must be an object");
    }
    Long minNonce =
        present(rules, "minNonce")
            ? amount(rules.get("minNonce"), "minNonce").longValueExact()
            : null;
    BigInteger minBalance =
        present(rules, "minBalance") ? amount(rules.get("minBalance"), "minBalance") : null;
    TokenRule token = null;
    if (present(rules, "minTokenBalance")) {
      JsonNode rule = rules.get("minTokenBalance");
      if (!rule.isObject() || !rule.path("address").isTextual()) {
        throw new IllegalArgumentException("minTokenBalance must be {address, amount}");
      }
      token =
          new TokenRule(
              rule.get("address").asText(), amount(rule.get("amount"), "minTokenBalance.amount"));
    }
    return new SpamRules(minNonce, minBalance, token);
  }

  private static final java.util.Set<String> FIELDS = java.util.Set.of("minNonce", "minBalance", "minTokenBalance");
  private static final java.util.Set<String> TOKEN_FIELDS = java.util.Set.of("address", "amount");

  /**
   * Rules a receiver sets: {@link #fromJson}'s shape, but strict, since what is stored here is
   * what every later submit is judged by: no other fields, no negative amounts, a token address
   * that is one ({@code {}} clears every rule).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static SpamRules fromRequest(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the rules must be a JSON object");
    }
    body.fieldNames().forEachRemaining(
        name -> {
          if (!FIELDS.contains(name)) {
            throw new IllegalArgumentException("unknown rule " + name + " (known: minNonce, minBalance, minTokenBalance)");
          }
        });
    JsonNode token = body.get("minTokenBalance");
    if (token != null && token.isObject()) {
      token.fieldNames().forEachRemaining(
          name -> {
            if (!TOKEN_FIELDS.contains(name)) {
              throw new IllegalArgumentException("minTokenBalance has an unknown field " + name);
            }
          });
      if (!token.path("address").isTextual() || !Ethereum.isAddress(token.get("address").asText())) {
        throw new IllegalArgumentException("minTokenBalance.address is not an address");
      }
    }
    SpamRules rules;
    try {
      rules = fromJson(body);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("minNonce is too large", e);
    }
    if ((rules.minNonce != null && rules.minNonce < 0)
        || (rules.minBalance != null && rules.minBalance.signum() < 0)
        || (rules.minTokenBalance != null && rules.minTokenBalance.amount().signum() < 0)) {
      throw new IllegalArgumentException("a minimum must not be negative");
    }
    return rules;
  }

  /** The stored form: set rules only, amounts as decimal strings; {@code {}} when none. */
  public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    var json = dev.dm3relay.protocol.json.Json.newObject();
    if (minNonce != null) {
      json.put("minNonce", minNonce);
    }
    if (minBalance != null) {
      json.put("minBalance", minBalance.toString());
    }
    if (minTokenBalance != null) {
      var token = json.putObject("minTokenBalance");
      token.put("address", minTokenBalance.address());
      token.put("amount", minTokenBalance.amount().toString());
    }
    return json;
  }

  private static boolean present(JsonNode rules, String field) {
    return rules.hasNonNull(field);
  }

  private static BigInteger amount(JsonNode value, String field) {
    try {
      if (value != null && value.isIntegralNumber()) {
        return value.bigIntegerValue();
      }
      if (value != null && value.isTextual()) {
        String text = value.asText().trim();
        // ASCII only: BigInteger takes other scripts' digits too (U+0663 for 3), JavaScript does not
        if (text.matches("0[xX][0-9a-fA-F]+")) {
          return new BigInteger(text.substring(2), 16);
        }
        if (text.matches("[0-9]+")) {
          return new BigInteger(text);
        }
        throw new IllegalArgumentException(field + " is not a whole number: " + value);
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(field + " is not a whole number: " + value, e);
    }
    throw new IllegalArgumentException(field + " is not a whole number: " + value);
  }
}
