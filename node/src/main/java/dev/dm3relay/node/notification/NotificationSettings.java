package dev.dm3relay.node.notification;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code dm3relay.notifications} (notifications.conf). A channel type is offered only when it is
 * configured whole; a half-configured one is a startup error, not a silent "not supported".
 */
public record NotificationSettings(
    Duration minInterval,
    Optional<Email> email,
    Optional<Push> push,
    Duration otpValidity,
    Duration otpResendInterval,
    int otpMaxWrongTries,
    int queueSize,
    int workers,
    int attempts,
    Duration firstRetry) {

  public static final String EMAIL = "EMAIL";
  public static final String PUSH = "PUSH";

  public enum Security {
    NONE,
    STARTTLS,
    TLS
  }

  /** SMTP_*: where mail goes out. The password is never printed ({@link #toString}). */
  public record Email(String host, int port, String username, String password, String from, Security security, Duration timeout) {
    @Override
    public String toString() {
      return "Email[" + host + ":" + port + ", " + security + "]";
    }
  }

  /**
   * VAPID_*: the relay's application server keys (RFC 8292), decoded and checked at start.
   *
   * @param publicKey the 65-byte uncompressed P-256 point
   * @param privateKey the 32-byte scalar
   */
  public record Push(
      byte[] publicKey,
      byte[] privateKey,
      String subject,
      boolean allowPrivateEndpoints,
      Duration timeout,
      long maxResponseBytes,
      Duration ttl,
      String image) {
    @Override
    public String toString() {
      return "Push[" + subject + "]";
    }
  }

  public NotificationSettings {
    if (otpMaxWrongTries < 1 || queueSize < 1 || workers < 1 || attempts < 1) {
      throw new IllegalArgumentException("notification queue, workers, attempts and OTP tries must be positive");
    }
  }

  /** The channel types this relay offers, in the reference's order. */
  public List<String> offeredTypes() {
    List<String> types = new ArrayList<>();
    email.ifPresent(e -> types.add(EMAIL));
    push.ifPresent(p -> types.add(PUSH));
    return List.copyOf(types);
  }

  public boolean offers(String type) {
    return offeredTypes().contains(type);
  }

  public static NotificationSettings from(Config root) {
    Config c = root.getConfig("dm3relay.notifications");
    return new NotificationSettings(
        c.getDuration("min-interval"),
        email(c.getConfig("email")),
        push(c.getConfig("push")),
        c.getDuration("otp.validity"),
        c.getDuration("otp.resend-interval"),
        c.getInt("otp.max-wrong-tries"),
        c.getInt("queue-size"),
        c.getInt("workers"),
        c.getInt("attempts"),
        c.getDuration("first-retry"));
  }

  private static Optional<Email> email(Config c) {
    String host = c.getString("smtp-host").trim();
    String from = c.getString("from").trim();
    if (host.isEmpty() && from.isEmpty()) {
      return Optional.empty();
    }
    if (host.isEmpty() || from.isEmpty()) {
      throw new IllegalArgumentException("e-mail notifications need both SMTP_HOST and SMTP_FROM");
    }
    Security security;
    try {
      security = Security.valueOf(c.getString("security").trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SMTP_SECURITY must be none, starttls or tls: " + c.getString("security"));
    }
    int port = c.getInt("smtp-port");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("SMTP_PORT is not a port: " + port);
    }
    return Optional.of(
        new Email(host, port, c.getString("smtp-username"), c.getString("smtp-password"), from, security, c.getDuration("timeout")));
  }

  private static Optional<Push> push(Config c) {
    String pub = c.getString("vapid-public-key").trim();
    String priv = c.getString("vapid-private-key").trim();
    if (pub.isEmpty() && priv.isEmpty()) {
      return Optional.empty();
    }
    byte[] publicKey = base64Url(pub, "VAPID_PUBLIC_KEY");
    byte[] privateKey = base64Url(priv, "VAPID_PRIVATE_KEY");
    if (publicKey.length != 65 || publicKey[0] != 4) {
      throw new IllegalArgumentException("VAPID_PUBLIC_KEY is not a 65-byte uncompressed P-256 point (base64url)");
    }
    if (privateKey.length != 32) {
      throw new IllegalArgumentException("VAPID_PRIVATE_KEY is not 32 bytes (base64url)");
    }
    if (!VapidKeys.matches(publicKey, privateKey)) {
      throw new IllegalArgumentException("VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY");
    }
    String subject = c.getString("vapid-subject").trim();
    if (!subject.startsWith("mailto:") && !subject.startsWith("https:")) {
      throw new IllegalArgumentException("VAPID_SUBJECT must be a mailto: or https: URI (RFC 8292): " + subject);
    }
    return Optional.of(
        new Push(
            publicKey,
            privateKey,
            subject,
            c.getBoolean("allow-private-endpoints"),
            c.getDuration("timeout"),
            c.getBytes("max-response-bytes"),
            c.getDuration("ttl"),
            c.getString("image")));
  }

  private static byte[] base64Url(String text, String name) {
    try {
      return Base64.getUrlDecoder().decode(text.replace("=", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is not base64url");
    }
  }
}
