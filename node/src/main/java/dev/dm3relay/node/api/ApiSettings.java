package dev.dm3relay.node.api;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The delivery API's settings ({@code dm3relay.api} in api.conf, each with an environment override).
 *
 * @param publicUrl the base URL clients reach this relay at: the {@code url} of the published
 *     DeliveryServiceProfile
 * @param sizeLimit maximum dm3 size of a submitted envelope, in bytes
 * @param messageTtlDays days a buffered envelope is kept unacknowledged; 0 keeps it until acknowledged
 * @param maxInFlight API requests one node works on at once before it answers 503 (0: no limit)
 * @param requestReadTimeout how long a request may take to arrive whole, headers and body: from its
 *     first byte (or the connection's opening) to its last; beyond it the connection is closed
 * @param maxMessagesPerMailbox the mailbox quota, which bounds what one acknowledgement may name
 * @param drainTimeout how long requests in handlers get to finish when the node stops
 * @param postmarkKeysAhead X25519 key pairs generated ahead for postmarks (a background thread)
 * @param accessLog one log line per HTTP request (logger {@code dm3relay.access})
 * @param maxConnectionsPerIp connections one client address may hold open (trusted proxies are
 *     held to none); 0 = no limit
 */
public record ApiSettings(
    String host,
    int port,
    String publicUrl,
    long sizeLimit,
    long messageTtlDays,
    int maxInFlight,
    Duration requestReadTimeout,
    int maxMessagesPerMailbox,
    Duration drainTimeout,
    int postmarkKeysAhead,
    boolean accessLog,
    int maxConnectionsPerIp) {

  /** The same settings without the access log (the start-up warm-up's loopback listener). */
  public ApiSettings withoutAccessLog() {
    return new ApiSettings(
        host, port, publicUrl, sizeLimit, messageTtlDays, maxInFlight, requestReadTimeout, maxMessagesPerMailbox, drainTimeout,
        postmarkKeysAhead, false, maxConnectionsPerIp);
  }

  public static ApiSettings from(Config config) {
    Config api = config.getConfig("dm3relay.api");
    String host = api.getString("host");
    int port = api.getInt("port");
    String publicUrl = api.getString("public-url");
    if (publicUrl.isBlank()) {
      publicUrl = "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port;
    }
    long sizeLimit = api.getLong("size-limit");
    // one setting for the mailbox that expires messages and the API that reports the TTL
    long ttlDays = config.getLong("dm3relay.mailbox.message-ttl-days");
    if (sizeLimit <= 0) {
      throw new IllegalArgumentException("SIZE_LIMIT must be positive");
    }
    if (ttlDays < 0) {
      throw new IllegalArgumentException("MESSAGE_TTL_DAYS must be 0 (keep until acknowledged) or more");
    }
    int maxInFlight = api.getInt("max-in-flight");
    if (maxInFlight < 0) {
      throw new IllegalArgumentException("MAX_IN_FLIGHT must be 0 (no limit) or more");
    }
    Duration readTimeout = api.getDuration("request-read-timeout");
    if (readTimeout.isNegative() || readTimeout.isZero()) {
      throw new IllegalArgumentException("REQUEST_READ_TIMEOUT must be positive");
    }
    return new ApiSettings(
        host,
        port,
        stripTrailingSlash(publicUrl),
        sizeLimit,
        ttlDays,
        maxInFlight,
        readTimeout,
        config.getInt("dm3relay.mailbox.max-messages"),
        api.getDuration("drain-timeout"),
        api.getInt("postmark-keys-ahead"),
        api.getBoolean("access-log"),
        api.getInt("max-connections-per-ip"));
  }

  /** {@code messageTTL} as the reference reports it: milliseconds (README, protocol choice 3). */
  public long messageTtlMillis() {
    return Duration.ofDays(messageTtlDays).toMillis();
  }

  /**
   * Largest request body accepted at all. A submitted envelope travels as an escaped JSON string
   * inside the RPC request, which can double its length; anything beyond that cannot be an
   * envelope within the size limit, so it is refused before it is read.
   */
  public long bodyLimit() {
    return 2 * sizeLimit + 64 * 1024;
  }

  /**
   * Largest acknowledgement body: one sync may name every message of a full mailbox, each entry a
   * sender name of up to 255 bytes (escaped, so up to six characters a byte at worst is not worth
   * allowing; 512 bytes an entry covers real names) and a 66-character hash.
   */
  public long ackBodyLimit() {
    return (long) maxMessagesPerMailbox * 512 + 64 * 1024;
  }

  /** The largest body any route takes: the HTTP parser's limit. */
  public long maxBodyLimit() {
    return Math.max(bodyLimit(), ackBodyLimit());
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
