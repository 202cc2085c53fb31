package dev.dm3relay.node.ens;

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
        if (text.toLowerCase(Locale.ROOT).startsWith("0x")) {
          return new BigInteger(text.substring(2), 16);
        }
        return new BigInteger(text);
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(field + " is not a whole number: " + value, e);
    }
    throw new IllegalArgumentException(field + " is not a whole number: " + value);
  }
}
