package dev.dm3relay.node.notification;

import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.node.mailbox.Mailboxes;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Where an account's notification settings live: its mailbox entity ({@link #of}), which also
 * makes the decisions that must be atomic (a code's tries, the resend interval). Failed stages
 * mean storage is unavailable.
 */
public interface NotificationStore {

  CompletionStage<Mailbox.NotificationSettings> settings(String address);

  CompletionStage<Done> setGlobal(String address, boolean enabled);

  /** TOO_SOON when {@code otp} is given and the type's last code is younger than {@code resendInterval}. */
  CompletionStage<Mailbox.OtpIssue> addChannel(
      String address, String type, String recipientValue, boolean verified, Mailbox.Otp otp, Duration resendInterval);

  CompletionStage<Boolean> setChannelEnabled(String address, String type, boolean enabled);

  CompletionStage<Boolean> removeChannel(String address, String type, String onlyIfRecipientValue);

  CompletionStage<Mailbox.OtpIssue> issueOtp(String address, String type, Mailbox.Otp otp, Duration resendInterval);

  CompletionStage<Mailbox.OtpCheck> verifyOtp(String address, String type, String digest, Duration validity, int maxTries);

  /** The sharded mailboxes as the store. */
  static NotificationStore of(Mailboxes mailboxes) {
    return new NotificationStore() {
      @Override
      public CompletionStage<Mailbox.NotificationSettings> settings(String address) {
        return mailboxes.notificationSettings(address);
      }

      @Override
      public CompletionStage<Done> setGlobal(String address, boolean enabled) {
        return mailboxes.setGlobalNotifications(address, enabled);
      }

      @Override
      public CompletionStage<Mailbox.OtpIssue> addChannel(
          String address, String type, String recipientValue, boolean verified, Mailbox.Otp otp, Duration resendInterval) {
        return mailboxes.addNotificationChannel(address, type, recipientValue, verified, otp, resendInterval);
      }

      @Override
      public CompletionStage<Boolean> setChannelEnabled(String address, String type, boolean enabled) {
        return mailboxes.setNotificationChannelEnabled(address, type, enabled);
      }

      @Override
      public CompletionStage<Boolean> removeChannel(String address, String type, String onlyIfRecipientValue) {
        return mailboxes.removeNotificationChannel(address, type, onlyIfRecipientValue);
      }

      @Override
      public CompletionStage<Mailbox.OtpIssue> issueOtp(String address, String type, Mailbox.Otp otp, Duration resendInterval) {
        return mailboxes.issueOtp(address, type, otp, resendInterval);
      }

      @Override
      public CompletionStage<Mailbox.OtpCheck> verifyOtp(String address, String type, String digest, Duration validity, int maxTries) {
        return mailboxes.verifyOtp(address, type, digest, validity, maxTries);
      }
    };
  }
}
