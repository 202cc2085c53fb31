package dev.dm3relay.node.notification;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.node.core.DeliveryMetrics;
import dev.dm3relay.node.core.NewMessageNotifier;
import dev.dm3relay.node.core.NotificationTarget;
import dev.dm3relay.protocol.json.Json;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notifications off the request path: new-message notifications (from the submit use case,
 * after the envelope is durable) and one-time codes (from the channel routes). A bounded queue per
 * node, drained by NOTIFICATION_WORKERS threads (an SMTP conversation blocks its thread; a push
 * waits for its answer there too, bounded by PUSH_TIMEOUT); transient failures are tried again
 * with growing pauses on one scheduler thread; a full queue drops the notification. Nothing here
 * can change a submit's answer. Counted in {@code dm3_relay_notifications_total{channel,outcome}}
 * and, for new-message notifications sent, in the CSV's notificationCount. Log lines name no
 * address, code or subscription.
 */
public final class Notifier implements NewMessageNotifier, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  /** What the push service deletes a subscription it reported gone from. */
  public interface Subscriptions {
    void gone(String address, String subscriptionJson);
  }

  private final NotificationSettings settings;
  private final Optional<Email> email;
  private final Optional<WebPush> push;
  private final Subscriptions subscriptions;
  private final DeliveryMetrics csv;
  private final MeterRegistry registry;
  private final Clock clock;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService retries;

  public Notifier(
      NotificationSettings settings,
      Optional<Email> email,
      Optional<WebPush> push,
      Subscriptions subscriptions,
      DeliveryMetrics csv,
      MeterRegistry registry,
      Clock clock) {
    this.settings = settings;
    this.email = email;
    this.push = push;
    this.subscriptions = subscriptions;
    this.csv = csv;
    this.registry = registry;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            settings.workers(),
            settings.workers(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(settings.queueSize()),
            r -> daemon(r, "dm3-notify-" + n.incrementAndGet()));
    this.workers.allowCoreThreadTimeOut(true);
    this.retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dm3-notify-retry"));
    registry.gauge("dm3.relay.notifications.queued", workers, w -> w.getQueue().size());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void newMessage(String address, String senderName, List<NotificationTarget> channels) {
    for (NotificationTarget target : channels) {
      switch (target.type()) {
        case NotificationSettings.EMAIL -> email.ifPresentOrElse(
            e -> enqueue(NotificationSettings.EMAIL, 1, () -> mailOutcome(e.sendNewMessage(target.recipientValue(), senderName)), true),
            () -> count(target.type(), "not_offered"));
        case NotificationSettings.PUSH -> push.ifPresentOrElse(
            p -> enqueue(NotificationSettings.PUSH, 1, () -> push(p, address, target.recipientValue(), senderName), true),
            () -> count(target.type(), "not_offered"));
        default -> count("other", "not_offered");
      }
    }
  }

  /** Queues the one-time code mail of an e-mail channel; false when the queue is full. */
  public boolean sendCode(String to, String code) {
    Email e = email.orElseThrow(() -> new IllegalStateException("e-mail is not offered"));
    long minutes = Math.max(1, settings.otpValidity().toMinutes());
    return enqueue("EMAIL_CODE", 1, () -> mailOutcome(e.sendCode(to, code, minutes)), false);
  }

  private enum Result {
    SENT,
    RETRY,
    FAILED,
    GONE
  }

  private interface Attempt {
    Result run() throws Exception;
  }

  private Result mailOutcome(Email.Outcome outcome) {
    return switch (outcome) {
      case SENT -> Result.SENT;
      case TRANSIENT -> Result.RETRY;
      case REJECTED -> Result.FAILED;
    };
  }

  private Result push(WebPush p, String address, String subscriptionJson, String senderName) throws Exception {
    WebPush.Subscription subscription;
    try {
      subscription = WebPush.Subscription.parse(subscriptionJson);
    } catch (IllegalArgumentException e) {
      return Result.FAILED; // checked when added; an older record may not pass today's checks
    }
    ObjectNode payload = Json.newObject();
    payload.put("body", "You received a new message from " + senderName + ".");
    payload.put("title", "New Message");
    payload.put("image", p.image());
    WebPush.Outcome outcome =
        p.send(subscription, payload.toString().getBytes(StandardCharsets.UTF_8), clock.millis() / 1000)
            .toCompletableFuture()
            .get(settings.push().map(NotificationSettings.Push::timeout).orElse(Duration.ofSeconds(10)).toMillis() + 1000, TimeUnit.MILLISECONDS);
    return switch (outcome) {
      case DELIVERED -> Result.SENT;
      case TRANSIENT -> Result.RETRY;
      case REJECTED -> Result.FAILED;
      case GONE -> {
        subscriptions.gone(address, subscriptionJson);
        yield Result.GONE;
      }
    };
  }

  /** @return false when the queue is full (counted as dropped) */
  private boolean enqueue(String channel, int attempt, Attempt work, boolean countsInCsv) {
    try {
      workers.execute(() -> run(channel, attempt, work, countsInCsv));
      return true;
    } catch (RejectedExecutionException e) {
      count(channel, "dropped");
      return false;
    }
  }

  private void run(String channel, int attempt, Attempt work, boolean countsInCsv) {
    Result result;
    try {
      result = work.run();
    } catch (Exception e) {
      result = Result.RETRY; // a timeout waiting for the push service, an interrupted wait
    }
    switch (result) {
      case SENT -> {
        count(channel, "sent");
        if (countsInCsv) {
          csv.notified();
        }
      }
      case GONE -> count(channel, "subscription_gone");
      case FAILED -> {
        count(channel, "failed");
        log.info("A {} notification was refused by its server; not tried again", channel);
      }
      case RETRY -> {
        if (attempt >= settings.attempts()) {
          count(channel, "failed");
          log.warn("A {} notification failed {} times; given up", channel, attempt);
          return;
        }
        count(channel, "retried");
        long pause = settings.firstRetry().toMillis() << (2 * (attempt - 1)); // 2 s, 8 s, 32 s, …
        try {
          retries.schedule(() -> enqueue(channel, attempt + 1, work, countsInCsv), pause, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
          count(channel, "dropped");
        }
      }
    }
  }

  private void count(String channel, String outcome) {
    registry.counter("dm3.relay.notifications", "channel", channel, "outcome", outcome).increment();
  }

  @Override
  public void close() {
    retries.shutdownNow();
    workers.shutdown();
  }
}
