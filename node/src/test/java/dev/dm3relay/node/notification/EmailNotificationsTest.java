package dev.dm3relay.node.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dm3relay.node.Relay;
import dev.dm3relay.node.TestClient;
import dev.dm3relay.node.TestPorts;
import dev.dm3relay.node.TestRelays;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * E-mail notifications end to end: a relay on the real Cassandra sends over SMTP to GreenMail (a
 * real SMTP server in this JVM); the test reads the code from the mail, verifies the channel
 * through the route, and then a message to the offline user produces exactly one mail.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class EmailNotificationsTest {

  private static final int SMTP_PORT = TestPorts.free();

  @RegisterExtension
  static final GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private static Relay relay;

  @BeforeAll
  static void start() {
    relay =
        TestRelays.start(
            Map.of(
                "dm3relay.notifications.email.smtp-host", "127.0.0.1",
                "dm3relay.notifications.email.smtp-port", SMTP_PORT,
                "dm3relay.notifications.email.from", "relay@dm3relay.test",
                "dm3relay.notifications.email.security", "none",
                "dm3relay.notifications.first-retry", "200ms"));
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
    return TestClient.send(relay.baseUrl(), method, path, body, token);
  }

  private static String error(HttpResponse<String> response) {
    return Json.parse(response.body()).path("error").asText();
  }

  private static MimeMessage[] awaitMails(int count) throws InterruptedException {
    assertTrue(smtp.waitForIncomingEmail(10_000, count), "expected " + count + " mails, got " + smtp.getReceivedMessages().length);
    return smtp.getReceivedMessages();
  }

  /** A well-formed PUSH channel body (a fresh P-256 key, as a browser's subscription has). */
  static String pushChannel() throws Exception {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    var subscription = Json.newObject();
    subscription.put("endpoint", "https://push.example/x");
    subscription.putObject("keys")
        .put("p256dh", b64.encodeToString(WebPush.encode((java.security.interfaces.ECPublicKey) WebPush.newKeyPair().getPublic())))
        .put("auth", b64.encodeToString(new byte[16]));
    var body = Json.newObject();
    body.put("recipientValue", subscription.toString());
    body.put("notificationChannelType", "PUSH");
    return body.toString();
  }

  @Test
  void aVerifiedEmailChannelGetsOneMailForAMessageToAnOfflineUser() throws Exception {
    WalletUser bob = WalletUser.create();
    WalletUser alice = WalletUser.create();
    assertEquals(200, TestClient.register(relay.baseUrl(), bob).statusCode());
    assertEquals(200, TestClient.register(relay.baseUrl(), alice).statusCode());
    String token = TestClient.login(relay.baseUrl(), bob);
    String name = bob.name();
    String addEmail = "{\"recipientValue\":\"bob@example.org\",\"notificationChannelType\":\"EMAIL\"}";

    // everything is refused while the global switch is off, and GET shows no channel
    assertEquals("{\"isEnabled\":false}", send("GET", "/notifications/global/" + name, null, token).body());
    HttpResponse<String> off = send("POST", "/notifications/" + name, addEmail, token);
    assertEquals(400, off.statusCode());
    assertEquals("Global notifications is off", error(off));
    assertEquals(401, send("POST", "/notifications/global/" + name, "{\"isEnabled\":true}", null).statusCode());
    assertEquals("Invalid value", error(send("POST", "/notifications/global/" + name, "{\"isEnabled\":\"yes\"}", token)));
    assertEquals(200, send("POST", "/notifications/global/" + name, "{\"isEnabled\":true}", token).statusCode());

    // bad input: the reference's 400 and error texts
    assertEquals("Invalid notification channel type",
        error(send("POST", "/notifications/" + name, "{\"recipientValue\":\"a@b.org\",\"notificationChannelType\":\"SMS\"}", token)));
    assertEquals("Notification Channel Type is missing", error(send("POST", "/notifications/" + name, "{\"recipientValue\":\"a@b.org\"}", token)));
    assertEquals("Recipient value is missing",
        error(send("POST", "/notifications/" + name, "{\"notificationChannelType\":\"EMAIL\"}", token)));
    assertEquals("Invalid email value",
        error(send("POST", "/notifications/" + name, "{\"recipientValue\":\"not an address\",\"notificationChannelType\":\"EMAIL\"}", token)));
    assertEquals("Invalid email value",
        error(send("POST", "/notifications/" + name, "{\"recipientValue\":\"a@b.org\\r\\nBcc: c@d.org\",\"notificationChannelType\":\"EMAIL\"}", token)));
    assertEquals("Notification channel PUSH is currently not supported by the DS",
        error(send("POST", "/notifications/" + name, pushChannel(), token)));
    assertEquals("OTP is missing", error(send("POST", "/notifications/otp/verify/" + name, "{\"notificationChannelType\":\"EMAIL\"}", token)));
    assertEquals("EMAIL notification channel is not configured",
        error(send("POST", "/notifications/otp/verify/" + name, "{\"notificationChannelType\":\"EMAIL\",\"otp\":\"12345\"}", token)));
    assertEquals(0, smtp.getReceivedMessages().length, "nothing is sent to an address that was refused");

    // add the channel: one mail with the code
    assertEquals(200, send("POST", "/notifications/" + name, addEmail, token).statusCode());
    MimeMessage codeMail = awaitMails(1)[0];
    assertEquals("Email Verification", codeMail.getSubject());
    assertEquals("bob@example.org", codeMail.getAllRecipients()[0].toString());
    Matcher digits = Pattern.compile("\\b(\\d{5})\\b").matcher(GreenMailUtil.getBody(codeMail));
    assertTrue(digits.find(), "a five-digit code in the mail");
    String code = digits.group(1);
    JsonNode unverified = Json.parse(send("GET", "/notifications/" + name, null, token).body()).path("notificationChannels").get(0);
    assertEquals("EMAIL", unverified.path("type").asText());
    assertEquals("bob@example.org", unverified.path("config").path("recipientValue").asText());
    assertTrue(unverified.path("config").path("isEnabled").asBoolean());
    assertTrue(!unverified.path("config").path("isVerified").asBoolean());

    // the resend throttle works (the reference's does not)
    HttpResponse<String> tooSoon = send("POST", "/notifications/otp/" + name, "{\"notificationChannelType\":\"EMAIL\"}", token);
    assertEquals(400, tooSoon.statusCode());
    assertEquals("New OTP can be generated after 1 minutes of last OTP generated", error(tooSoon));
    // nor is adding the channel again a way around it: every code is a mail to an unverified address
    HttpResponse<String> readded = send("POST", "/notifications/" + name, addEmail.replace("bob@", "victim@"), token);
    assertEquals(400, readded.statusCode());
    assertEquals("New OTP can be generated after 1 minutes of last OTP generated", error(readded));
    Thread.sleep(500);
    assertEquals(1, smtp.getReceivedMessages().length, "no second code mail");

    // a wrong code is refused and counted; the right one verifies
    String wrong = code.equals("12345") ? "54321" : "12345";
    assertEquals("Invalid OTP",
        error(send("POST", "/notifications/otp/verify/" + name, "{\"notificationChannelType\":\"EMAIL\",\"otp\":\"" + wrong + "\"}", token)));
    assertEquals("Invalid OTP",
        error(send("POST", "/notifications/otp/verify/" + name, "{\"notificationChannelType\":\"EMAIL\",\"otp\":" + code + "}", token)),
        "a number is not the code's string, as in the reference");
    HttpResponse<String> verified =
        send("POST", "/notifications/otp/verify/" + name, "{\"notificationChannelType\":\"EMAIL\",\"otp\":\"" + code + "\"}", token);
    assertEquals(200, verified.statusCode(), verified.body());
    assertEquals("EMAIL notification channel is already verified",
        error(send("POST", "/notifications/otp/verify/" + name, "{\"notificationChannelType\":\"EMAIL\",\"otp\":\"" + code + "\"}", token)));
    assertTrue(Json.parse(send("GET", "/notifications/" + name, null, token).body())
        .path("notificationChannels").get(0).path("config").path("isVerified").asBoolean());

    // a message to bob, who has no socket: exactly one mail, and none for the next within the interval
    var first = TestClient.envelope(alice, bob, relay.identity().encryption().publicKey(), "hello");
    assertEquals(200, send("POST", "/rpc", first.requestBody(), null).statusCode());
    MimeMessage[] mails = awaitMails(2);
    assertEquals("DM3 New Message", mails[1].getSubject());
    assertTrue(GreenMailUtil.getBody(mails[1]).contains("You received a new message from " + alice.name() + "."), GreenMailUtil.getBody(mails[1]));
    var second = TestClient.envelope(alice, bob, relay.identity().encryption().publicKey(), "again");
    assertEquals(200, send("POST", "/rpc", second.requestBody(), null).statusCode());
    Thread.sleep(2000);
    assertEquals(2, smtp.getReceivedMessages().length, "one new-message mail per NOTIFICATION_MIN_INTERVAL");

    // the properties name the channel type, never the server
    String properties = send("POST", "/rpc", "{\"jsonrpc\":\"2.0\",\"method\":\"dm3_getDeliveryServiceProperties\",\"params\":[]}", null).body();
    assertTrue(properties.contains("EMAIL") && !properties.contains("127.0.0.1") && !properties.contains("relay@dm3relay.test"), properties);

    // disable, remove
    assertEquals(200, send("POST", "/notifications/channel/" + name, "{\"notificationChannelType\":\"EMAIL\",\"isEnabled\":false}", token).statusCode());
    assertEquals("isEnabled must have boolean value",
        error(send("POST", "/notifications/channel/" + name, "{\"notificationChannelType\":\"EMAIL\",\"isEnabled\":\"no\"}", token)));
    HttpResponse<String> removed = send("DELETE", "/notifications/channel/EMAIL/" + name, null, token);
    assertEquals(200, removed.statusCode());
    assertEquals("Notification channel EMAIL has been removed successfully", Json.parse(removed.body()).path("message").asText());
    assertEquals("EMAIL notification channel is not configured", error(send("DELETE", "/notifications/channel/EMAIL/" + name, null, token)));
    assertEquals("Invalid notification channel type", error(send("DELETE", "/notifications/channel/test/" + name, null, token)));
  }
}
