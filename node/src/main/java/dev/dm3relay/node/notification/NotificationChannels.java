package dev.dm3relay.node.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.node.core.Account;
import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.protocol.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The notification-settings use case behind the reference's seven {@code /notifications} routes
 * (§4.6): the global switch, EMAIL and PUSH channels, one-time codes. Its checks run in the
 * reference's order with its error texts; the state is the account's mailbox entity, so any node
 * of a cluster answers alike. Differences from the reference, on purpose: codes come from {@code
 * SecureRandom}, the 60 s resend throttle works, a code allows five wrong tries, and the journal
 * keeps only a keyed digest of a code.
 */
public final class NotificationChannels {

  /** How a request ended: a body to answer 200 with (null: the reference's text {@code OK}), or a refusal. */
  public sealed interface Result {
    record Ok(JsonNode body) implements Result {}

    /** 400 {@code {"error": message}}. */
    record Refused(String message) implements Result {}
  }

  static final String GLOBAL_OFF = "Global notifications is off";

  /**
   * The reference's e-mail pattern, applied to the lower-cased value as there. Java's {@code \s}
   * is ASCII-only, so UNICODE_CHARACTER_CLASS keeps JavaScript's meaning of it.
   */
  static final Pattern EMAIL_PATTERN =
      Pattern.compile(
          "^(([^<>()\\[\\]\\\\.,;:\\s@\"]+(\\.[^<>()\\[\\]\\\\.,;:\\s@\"]+)*)|(\".+\"))@((\\[[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}])|(([a-zA-Z\\-0-9]+\\.)+[a-zA-Z]{2,}))$",
          Pattern.UNICODE_CHARACTER_CLASS);

  /** An address longer than SMTP allows is no address (RFC 5321 §4.5.3.1.3). */
  static final int MAX_EMAIL_LENGTH = 254;

  /** Browsers' subscriptions are a few hundred bytes; this leaves room and bounds the state. */
  static final int MAX_SUBSCRIPTION_LENGTH = 4096;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final NotificationSettings settings;
  private final NotificationStore mailboxes;
  private final Notifier notifier;
  private final SecretKeySpec codeKey;
  private final Clock clock;

  /**
   * @param codeKey the key of the codes' digests (derived from the relay's secret, so the same on
   *     every node)
   */
  public NotificationChannels(NotificationSettings settings, NotificationStore mailboxes, Notifier notifier, byte[] codeKey, Clock clock) {
    this.settings = settings;
    this.mailboxes = mailboxes;
    this.notifier = notifier;
    this.codeKey = new SecretKeySpec(codeKey, "HmacSHA256");
    this.clock = clock;
  }

  /** The channel types offered here, for dm3_getDeliveryServiceProperties (no host, user or key). */
  public java.util.List<String> offeredTypes() {
    return settings.offeredTypes();
  }

  // ---- global switch

  public CompletionStage<Result> global(Account account) {
    return mailboxes
        .settings(account.address())
        .thenApply(n -> ok(Json.newObject().put("isEnabled", n.globalEnabled())));
  }

  public CompletionStage<Result> setGlobal(Account account, JsonNode body) {
    JsonNode enabled = body.path("isEnabled");
    if (!enabled.isBoolean()) {
      return refused("Invalid value");
    }
    return mailboxes.setGlobal(account.address(), enabled.booleanValue()).thenApply(done -> ok(null));
  }

  // ---- channels

  public CompletionStage<Result> channels(Account account) {
    return mailboxes
        .settings(account.address())
        .thenApply(
            n -> {
              ObjectNode body = Json.newObject();
              ArrayNode list = body.putArray("notificationChannels");
              if (n.globalEnabled()) {
                for (Mailbox.NotificationChannel c : n.channels()) {
                  ObjectNode channel = list.addObject();
                  channel.put("type", c.type());
                  ObjectNode config = channel.putObject("config");
                  config.put("recipientValue", c.recipientValue());
                  config.put("isEnabled", c.enabled());
                  config.put("isVerified", c.verified());
                }
              }
              return ok(body);
            });
  }

  /** {@code POST /notifications/:ensName}: add (or replace) a channel; an e-mail one gets a code. */
  public CompletionStage<Result> add(Account account, JsonNode body) {
    String typeError = typeError(body.path("notificationChannelType"));
    if (typeError != null) {
      return refused(typeError);
    }
    String type = body.path("notificationChannelType").textValue();
    JsonNode value = body.path("recipientValue");
    if (!truthy(value)) {
      return refused("Recipient value is missing");
    }
    if (!value.isTextual() || !valid(type, value.textValue())) {
      return refused("Invalid " + type.toLowerCase(Locale.ROOT) + " value");
    }
    String recipientValue = value.textValue();
    return whenGlobalOn(
        account,
        n -> {
          if (!settings.offers(type)) {
            return refused(notSupported(type));
          }
          if (type.equals(NotificationSettings.PUSH)) {
            // a subscription is the browser's own: nothing to prove, verified at once (as the reference)
            return mailboxes
                .addChannel(account.address(), type, recipientValue, true, null, settings.otpResendInterval())
                .thenApply(d -> ok(null));
          }
          String code = newCode();
          Mailbox.Otp otp = new Mailbox.Otp(digest(account.address(), type, code), clock.millis());
          return mailboxes
              .addChannel(account.address(), type, recipientValue, false, otp, settings.otpResendInterval())
              .thenApply(
                  added -> {
                    if (added.outcome() != Mailbox.OtpIssueOutcome.ISSUED) {
                      return new Result.Refused(tooSoon());
                    }
                    notifier.sendCode(recipientValue, code);
                    return ok(null);
                  });
        });
  }

  /** {@code POST /notifications/channel/:ensName}: enable or disable a channel. */
  public CompletionStage<Result> setEnabled(Account account, JsonNode body) {
    String typeError = typeError(body.path("notificationChannelType"));
    if (typeError != null) {
      return refused(typeError);
    }
    String type = body.path("notificationChannelType").textValue();
    JsonNode enabled = body.path("isEnabled");
    if (!(enabled.isBoolean() && !enabled.booleanValue()) && !truthy(enabled)) {
      return refused("isEnabled value is missing");
    }
    if (!enabled.isBoolean()) {
      return refused("isEnabled must have boolean value");
    }
    return whenGlobalOn(
        account,
        n -> {
          if (!settings.offers(type)) {
            return refused(notSupported(type));
          }
          return mailboxes
              .setChannelEnabled(account.address(), type, enabled.booleanValue())
              .thenApply(found -> found ? ok(null) : new Result.Refused(notConfigured(type)));
        });
  }

  /** {@code DELETE /notifications/channel/:channelType/:ensName}. */
  public CompletionStage<Result> remove(Account account, String type) {
    if (!type.equals(NotificationSettings.EMAIL) && !type.equals(NotificationSettings.PUSH)) {
      return refused("Invalid notification channel type");
    }
    return whenGlobalOn(
        account,
        n ->
            mailboxes
                .removeChannel(account.address(), type, null)
                .thenApply(
                    found ->
                        found
                            ? ok(Json.newObject().put("message", "Notification channel " + type + " has been removed successfully"))
                            : new Result.Refused(notConfigured(type))));
  }

  // ---- one-time codes

  /** {@code POST /notifications/otp/:ensName}: a new code, at most one per OTP resend interval. */
  public CompletionStage<Result> resendCode(Account account, JsonNode body) {
    String typeError = typeError(body.path("notificationChannelType"));
    if (typeError != null) {
      return refused(typeError);
    }
    String type = body.path("notificationChannelType").textValue();
    return whenGlobalOn(
        account,
        n -> {
          String refusal = channelRefusal(type, n);
          if (refusal != null) {
            return refused(refusal);
          }
          String code = newCode();
          Mailbox.Otp otp = new Mailbox.Otp(digest(account.address(), type, code), clock.millis());
          return mailboxes
              .issueOtp(account.address(), type, otp, settings.otpResendInterval())
              .thenApply(
                  issue ->
                      switch (issue.outcome()) {
                        case ISSUED -> {
                          notifier.sendCode(issue.recipientValue(), code);
                          yield ok(null);
                        }
                        case NO_CHANNEL -> new Result.Refused(notConfigured(type));
                        case ALREADY_VERIFIED -> new Result.Refused(alreadyVerified(type));
                        case TOO_SOON -> new Result.Refused(tooSoon());
                      });
        });
  }

  /** {@code POST /notifications/otp/verify/:ensName}. */
  public CompletionStage<Result> verifyCode(Account account, JsonNode body) {
    JsonNode otp = body.path("otp");
    if (!truthy(otp)) {
      return refused("OTP is missing");
    }
    String typeError = typeError(body.path("notificationChannelType"));
    if (typeError != null) {
      return refused(typeError);
    }
    String type = body.path("notificationChannelType").textValue();
    return whenGlobalOn(
        account,
        n -> {
          if (!settings.offers(type)) {
            return refused(notSupported(type));
          }
          // the reference compares strings strictly: a number never matches
          String digest = otp.isTextual() ? digest(account.address(), type, otp.textValue()) : "-";
          return mailboxes
              .verifyOtp(account.address(), type, digest, settings.otpValidity(), settings.otpMaxWrongTries())
              .thenApply(
                  check ->
                      switch (check.outcome()) {
                        case VERIFIED -> ok(null);
                        case NO_CHANNEL -> new Result.Refused(notConfigured(type));
                        case DISABLED -> new Result.Refused(type + " notification channel is not enabled");
                        case ALREADY_VERIFIED -> new Result.Refused(alreadyVerified(type));
                        case NO_CODE -> new Result.Refused("Otp not found, please resend the OTP for verification");
                        case WRONG -> new Result.Refused("Invalid OTP");
                        case EXPIRED -> new Result.Refused("OTP is expired");
                        case TOO_MANY_TRIES ->
                            new Result.Refused("Too many invalid OTPs, please resend the OTP for verification");
                      });
        });
  }

  // ---- helpers

  private CompletionStage<Result> whenGlobalOn(
      Account account, Function<Mailbox.NotificationSettings, CompletionStage<Result>> then) {
    return mailboxes
        .settings(account.address())
        .thenCompose(n -> n.globalEnabled() ? then.apply(n) : refused(GLOBAL_OFF));
  }

  /** The reference's checks before a code is sent: offered, configured, enabled, not yet verified. */
  private String channelRefusal(String type, Mailbox.NotificationSettings n) {
    if (!settings.offers(type)) {
      return notSupported(type);
    }
    Mailbox.NotificationChannel channel =
        n.channels().stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
    if (channel == null) {
      return notConfigured(type);
    }
    if (!channel.enabled()) {
      return type + " notification channel is not enabled";
    }
    return channel.verified() ? alreadyVerified(type) : null;
  }

  /** The reference's type check: missing (any falsy value), else EMAIL or PUSH. */
  private static String typeError(JsonNode type) {
    if (!truthy(type)) {
      return "Notification Channel Type is missing";
    }
    if (!type.isTextual()
        || !(type.textValue().equals(NotificationSettings.EMAIL) || type.textValue().equals(NotificationSettings.PUSH))) {
      return "Invalid notification channel type";
    }
    return null;
  }

  /** JavaScript truthiness of a JSON value (a missing field is undefined). */
  static boolean truthy(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual()) {
      return !v.textValue().isEmpty();
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    return true; // objects and arrays
  }

  static boolean valid(String type, String value) {
    if (type.equals(NotificationSettings.EMAIL)) {
      return value.length() <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.matcher(value.toLowerCase(Locale.ROOT)).matches();
    }
    if (value.length() > MAX_SUBSCRIPTION_LENGTH) {
      return false;
    }
    try {
      WebPush.Subscription.parse(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The reference's text (its "1 minutes"), with our resend interval. */
  private String tooSoon() {
    return "New OTP can be generated after " + Math.max(1, settings.otpResendInterval().toMinutes()) + " minutes of last OTP generated";
  }

  private static String notSupported(String type) {
    return "Notification channel " + type + " is currently not supported by the DS";
  }

  private static String notConfigured(String type) {
    return type + " notification channel is not configured";
  }

  private static String alreadyVerified(String type) {
    return type + " notification channel is already verified";
  }

  /** Five decimal digits, 10000–99999 as the reference's, from SecureRandom. */
  static String newCode() {
    return Integer.toString(10000 + RANDOM.nextInt(90000));
  }

  /** HMAC-SHA256 of the mailbox, type and code under the relay's key, hex. */
  String digest(String address, String type, String code) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(codeKey);
      return HexFormat.of().formatHex(mac.doFinal((address + "\0" + type + "\0" + code).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 runtime has HmacSHA256", e);
    }
  }

  private static Result ok(JsonNode body) {
    return new Result.Ok(body);
  }

  private static CompletionStage<Result> refused(String message) {
    return CompletableFuture.completedFuture(new Result.Refused(message));
  }
}
