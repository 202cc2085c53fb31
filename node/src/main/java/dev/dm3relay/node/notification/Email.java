package dev.dm3relay.node.notification;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Mail over SMTP with Jakarta Mail (Angus Mail): one conversation per mail, each step bounded by
 * SMTP_TIMEOUT. The texts are the reference's subjects and sentences (§4.6), in our own markup,
 * with a plain-text part beside the HTML.
 */
public final class Email {

  public static final String OTP_SUBJECT = "Email Verification";
  public static final String NEW_MESSAGE_SUBJECT = "DM3 New Message";

  /** How a send ended. */
  public enum Outcome {
    SENT,
    /** A 4xx answer or no connection: try again later. */
    TRANSIENT,
    /** A 5xx answer (e.g. no such mailbox): trying again would not help. */
    REJECTED
  }

  private final NotificationSettings.Email settings;
  private final Session session;

  public Email(NotificationSettings.Email settings) {
    this.settings = settings;
    String p = settings.security() == NotificationSettings.Security.TLS ? "mail.smtps." : "mail.smtp.";
    Properties properties = new Properties();
    properties.put(p + "host", settings.host());
    properties.put(p + "port", Integer.toString(settings.port()));
    String timeout = Long.toString(settings.timeout().toMillis());
    properties.put(p + "connectiontimeout", timeout);
    properties.put(p + "timeout", timeout);
    properties.put(p + "writetimeout", timeout);
    properties.put(p + "auth", Boolean.toString(!settings.username().isEmpty()));
    if (settings.security() == NotificationSettings.Security.STARTTLS) {
      // required, not opportunistic: a server that does not offer STARTTLS gets no password and no mail
      properties.put("mail.smtp.starttls.enable", "true");
      properties.put("mail.smtp.starttls.required", "true");
    }
    if (settings.security() != NotificationSettings.Security.NONE) {
      properties.put(p + "ssl.checkserveridentity", "true");
    }
    this.session = Session.getInstance(properties);
  }

  /** The one-time code mail: the reference's subject and its sentences around the code. */
  public Outcome sendCode(String to, String code, long validMinutes) {
    String text =
        "Your OTP\n\nUse the following OTP to verify your email address. OTP is valid for "
            + validMinutes + " minutes. Do not share this code with others.\n\n" + code + "\n";
    String html =
        "<html lang=\"en\"><body><h1>Your OTP</h1><p>Use the following OTP to verify your email address. OTP is valid for <b>"
            + validMinutes + " minutes</b>. Do not share this code with others.</p><p style=\"font-size:32px;letter-spacing:12px\">"
            + code + "</p></body></html>";
    return send(to, OTP_SUBJECT, text, html);
  }

  /** The new-message mail: "You received a new message from &lt;from&gt;." (the name escaped in HTML). */
  public Outcome sendNewMessage(String to, String from) {
    String sentence = "You received a new message from " + from + ".";
    String html = "<html lang=\"en\"><body><p>" + escape(sentence) + "</p></body></html>";
    return send(to, NEW_MESSAGE_SUBJECT, sentence + "\n", html);
  }

  private Outcome send(String to, String subject, String text, String html) {
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(new InternetAddress(settings.from()));
      message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
      message.setSubject(subject, "UTF-8");
      MimeBodyPart plain = new MimeBodyPart();
      plain.setText(text, "UTF-8");
      MimeBodyPart rich = new MimeBodyPart();
      rich.setContent(html, "text/html; charset=UTF-8");
      message.setContent(new MimeMultipart("alternative", plain, rich));
      Transport transport = session.getTransport(settings.security() == NotificationSettings.Security.TLS ? "smtps" : "smtp");
      try {
        transport.connect(settings.host(), settings.port(), settings.username().isEmpty() ? null : settings.username(),
            settings.password().isEmpty() ? null : settings.password());
        message.saveChanges();
        transport.sendMessage(message, message.getAllRecipients());
      } finally {
        transport.close();
      }
      return Outcome.SENT;
    } catch (SMTPAddressFailedException e) {
      return e.getReturnCode() >= 500 ? Outcome.REJECTED : Outcome.TRANSIENT;
    } catch (SMTPSendFailedException e) {
      return e.getReturnCode() >= 500 ? Outcome.REJECTED : Outcome.TRANSIENT;
    } catch (jakarta.mail.internet.AddressException e) {
      return Outcome.REJECTED;
    } catch (MessagingException e) {
      return Outcome.TRANSIENT; // no connection, a timeout, a 4xx at connect
    }
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
