package dev.dm3relay.node.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.TestPorts;
import dev.dm3relay.node.core.DeliveryMetrics;
import dev.dm3relay.node.core.NotificationTarget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The notifier's queue and retries against real SMTP peers: GreenMail started only after the first
 * attempt failed (the mail goes out on a retry), no server at all (given up after the configured
 * attempts), and a server that accepts the connection and never greets (the only worker is held, so
 * the queue fills and the next notification is dropped, not waited for).
 */
class NotifierTest {

  private static final NotificationTarget MAIL = new NotificationTarget("EMAIL", "bob@example.org");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger csvNotified = new AtomicInteger();
  private final DeliveryMetrics csv =
      new DeliveryMetrics() {
        @Override
        public void submitted(int sizeBytes) {}

        @Override
        public void notified() {
          csvNotified.incrementAndGet();
        }

        @Override
        public java.util.concurrent.CompletionStage<Optional<String>> csv(long nowMs) {
          return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
        }
      };

  private Notifier notifier(int port, Map<String, Object> overrides) {
    NotificationSettings settings =
        NotificationSettings.from(
            ConfigFactory.parseMap(
                    Map.of(
                        "dm3relay.notifications.email.smtp-host", "127.0.0.1",
                        "dm3relay.notifications.email.smtp-port", port,
                        "dm3relay.notifications.email.from", "relay@dm3relay.test",
                        "dm3relay.notifications.email.security", "none"))
                .withFallback(ConfigFactory.parseMap(overrides))
                .withFallback(ConfigFactory.parseResources("notifications.conf"))
                .resolve());
    return new Notifier(
        settings,
        settings.email().map(Email::new),
        Optional.empty(),
        (address, subscription) -> {},
        csv,
        registry,
        Clock.systemUTC());
  }

  private double count(String channel, String outcome) {
    var counter = registry.find("dm3.relay.notifications").tags("channel", channel, "outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  @Test
  void aMailThatFindsNoServerIsTriedAgainAndSentOnceTheServerIsUp() throws Exception {
    int port = TestPorts.free();
    try (Notifier notifier =
        notifier(port, Map.of("dm3relay.notifications.first-retry", "300ms", "dm3relay.notifications.attempts", 4))) {
      notifier.newMessage("0xbob", "alice.eth", List.of(MAIL));
      await(() -> count("EMAIL", "retried") >= 1, "a retry");
      assertEquals(0, csvNotified.get());
      GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      smtp.start();
      try {
        assertTrue(smtp.waitForIncomingEmail(20_000, 1), "the retried mail arrives");
        await(() -> count("EMAIL", "sent") == 1, "the sent count");
        assertEquals(1, smtp.getReceivedMessages().length, "one mail, not one per attempt");
        assertEquals(Email.NEW_MESSAGE_SUBJECT, smtp.getReceivedMessages()[0].getSubject());
        assertEquals(1, csvNotified.get(), "notificationCount counts what was sent");
        assertEquals(0, count("EMAIL", "failed"));
      } finally {
        smtp.stop();
      }
    }
  }

  @Test
  void aMailIsGivenUpAfterTheConfiguredAttempts() throws Exception {
    int port = TestPorts.free();
    try (Notifier notifier =
        notifier(port, Map.of("dm3relay.notifications.first-retry", "50ms", "dm3relay.notifications.attempts", 3))) {
      notifier.newMessage("0xbob", "alice.eth", List.of(MAIL));
      await(() -> count("EMAIL", "failed") == 1, "giving up");
      assertEquals(2, count("EMAIL", "retried"), "three attempts: two retries");
      Thread.sleep(500); // 50 ms << 4 would be the next pause: nothing more comes
      assertEquals(2, count("EMAIL", "retried"));
      assertEquals(0, count("EMAIL", "sent"));
      assertEquals(0, csvNotified.get());
    }
  }

  @Test
  void aFullQueueDropsTheNotificationInsteadOfWaiting() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept()); // accepted, never greeted
                  }
                } catch (java.io.IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      try (Notifier notifier =
          notifier(
              silent.getLocalPort(),
              Map.of(
                  "dm3relay.notifications.workers", 1,
                  "dm3relay.notifications.queue-size", 1,
                  "dm3relay.notifications.email.timeout", "5s"))) {
        assertTrue(notifier.sendCode("bob@example.org", "12345"), "taken by the only worker");
        await(() -> held.size() == 1, "the worker's connection");
        assertTrue(notifier.sendCode("carol@example.org", "23456"), "queued");
        long began = System.nanoTime();
        assertFalse(notifier.sendCode("dave@example.org", "34567"), "the queue is full");
        notifier.newMessage("0xbob", "alice.eth", List.of(MAIL));
        assertTrue(Duration.ofNanos(System.nanoTime() - began).toMillis() < 2_000, "refusing does not wait for the worker");
        assertEquals(1, count("EMAIL_CODE", "dropped"));
        assertEquals(1, count("EMAIL", "dropped"));
        assertEquals(1.0, registry.find("dm3.relay.notifications.queued").gauge().value());
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }
}
