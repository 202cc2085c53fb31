package dev.dm3relay.node.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The node's per-client rate limits, one place for every transport and use case: the HTTP routes
 * and the Socket.IO adapter take a token per request or event from the client address's bucket
 * before anything of the request is read; the submit, login and sign-up use cases take theirs
 * per sender, per name and per address. (The per-recipient limit is the mailbox entity's, so that
 * it holds across the cluster.) A refusal is counted in {@code
 * dm3_relay_requests_rejected_total{reason="rate_limit"}} and, by which limit, in {@code
 * dm3_relay_rate_limited_total{limit}}; no label names a client.
 */
public final class RateLimits {

  /** How many clients' challenge allowance one name's bucket holds (see the constructor). */
  static final int NAME_SHARE = 3;

  /** The JSON-RPC error text of every refusal. */
  public static final String REFUSAL = "rate limit exceeded";

  /** Which limit refused. */
  public enum Limit {
    IP,
    SENDER,
    RECIPIENT,
    AUTH_NAME,
    AUTH_IP,
    SIGNUP;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final ClientAddresses addresses;
  private final KeyedRateLimiter perIp;
  private final KeyedRateLimiter perSender;
  private final KeyedRateLimiter authPerName;
  private final KeyedRateLimiter authPerIp;
  private final KeyedRateLimiter signupPerIp;
  private final Counter rejected;
  private final Map<Limit, Counter> byLimit = new EnumMap<>(Limit.class);

  public RateLimits(RateLimitSettings settings, MeterRegistry registry) {
    this.addresses = new ClientAddresses(settings.trustedProxies());
    int keys = settings.maxTrackedKeys();
    this.perIp = new KeyedRateLimiter(settings.perIp(), keys);
    this.perSender = new KeyedRateLimiter(settings.perSender(), keys);
    // A name's bucket holds NAME_SHARE clients' worth: challenges for a name can be asked by
    // anyone, so a bucket as small as one client's would let one client deny the owner's login.
    RateLimit auth = settings.authPerMinute();
    this.authPerName =
        new KeyedRateLimiter(auth.off() ? auth : new RateLimit(auth.tokens() * NAME_SHARE, auth.period(), auth.burst() * NAME_SHARE), keys);
    this.authPerIp = new KeyedRateLimiter(settings.authPerMinute(), keys);
    this.signupPerIp = new KeyedRateLimiter(settings.signupPerHour(), keys);
    this.rejected = registry.counter("dm3.relay.requests.rejected", "reason", "rate_limit");
    for (Limit limit : Limit.values()) {
      byLimit.put(
          limit,
          Counter.builder("dm3.relay.rate.limited")
              .description("requests refused by a rate limit, by which limit")
              .tag("limit", limit.label())
              .register(registry));
    }
  }

  /** No limits, for tests of other things and tools. */
  public static RateLimits off(MeterRegistry registry) {
    return new RateLimits(RateLimitSettings.OFF, registry);
  }

  /** The client address of a request from {@code peer} (see {@link ClientAddresses}). */
  public String clientOf(InetAddress peer, List<String> forwardedFor) {
    return addresses.clientOf(peer, forwardedFor);
  }

  /** Whether {@code peer} is a trusted proxy (its connections are not held to one client's share). */
  public boolean trustedProxy(InetAddress peer) {
    return addresses.trusted(peer);
  }

  /** One API request or socket event of {@code client}: 0 when admitted, else Retry-After seconds. */
  public long request(String client) {
    return counted(Limit.IP, perIp.acquire(client));
  }

  /** One submit from {@code client} naming {@code senderName} in its routing data. */
  public long submit(String client, String senderName) {
    return counted(Limit.SENDER, perSender.acquire(client + " " + senderName));
  }

  /** One login challenge for {@code name} asked by {@code client}: both buckets must have a token. */
  public long challenge(String name, String client) {
    long byIp = authPerIp.acquire(client);
    if (byIp > 0) {
      return counted(Limit.AUTH_IP, byIp);
    }
    return counted(Limit.AUTH_NAME, authPerName.acquire(name));
  }

  /** One registration of a new account from {@code client}. */
  public long signup(String client) {
    return counted(Limit.SIGNUP, signupPerIp.acquire(client));
  }

  /** Counts a refusal made elsewhere (the mailbox's per-recipient limit). */
  public void refusedByMailbox() {
    counted(Limit.RECIPIENT, 1);
  }

  private long counted(Limit limit, long retryAfterSeconds) {
    if (retryAfterSeconds > 0) {
      rejected.increment();
      byLimit.get(limit).increment();
    }
    return retryAfterSeconds;
  }
}
