package dev.dm3relay.node.ratelimit;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * The rate limits of {@code dm3relay.rate-limit} (ratelimit.conf); a rate of 0 turns its limit off.
 *
 * @param perIp every API request and Socket.IO event of one client address (per second)
 * @param perSender submits naming one sender (per second)
 * @param perRecipient envelopes into one mailbox (per second; kept by the mailbox entity)
 * @param authPerMinute login challenges per name, and separately per client address
 * @param signupPerHour profile registrations of new accounts per client address
 * @param trustedProxies peers whose {@code X-Forwarded-For} is believed
 * @param maxTrackedKeys buckets one limit keeps (least recently used forgotten first)
 */
public record RateLimitSettings(
    RateLimit perIp,
    RateLimit perSender,
    RateLimit perRecipient,
    RateLimit authPerMinute,
    RateLimit signupPerHour,
    List<ClientAddresses.Cidr> trustedProxies,
    int maxTrackedKeys) {

  public static final RateLimitSettings OFF =
      new RateLimitSettings(RateLimit.OFF, RateLimit.OFF, RateLimit.OFF, RateLimit.OFF, RateLimit.OFF, List.of(), 1);

  public static RateLimitSettings from(Config root) {
    Config c = root.getConfig("dm3relay.rate-limit");
    return new RateLimitSettings(
        new RateLimit(c.getLong("ip"), Duration.ofSeconds(1), c.getLong("ip-burst")),
        new RateLimit(c.getLong("sender"), Duration.ofSeconds(1), c.getLong("sender-burst")),
        recipient(root),
        new RateLimit(c.getLong("auth"), Duration.ofMinutes(1), c.getLong("auth")),
        new RateLimit(c.getLong("signup"), Duration.ofHours(1), c.getLong("signup")),
        ClientAddresses.parseList(c.getString("trusted-proxies")),
        c.getInt("max-tracked-keys"));
  }

  /** The per-mailbox limit alone (what the mailbox entity needs). */
  public static RateLimit recipient(Config root) {
    Config c = root.getConfig("dm3relay.rate-limit");
    return new RateLimit(c.getLong("recipient"), Duration.ofSeconds(1), c.getLong("recipient-burst"));
  }
}
