package dev.dm3relay.node.api;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the API requests one node works on at once. Beyond {@code maxInFlight} a request is
 * answered 503 with a JSON body and {@code Retry-After} at once, instead of joining a queue.
 *
 * <p>Why: when a node waits (a Cassandra stall, a mailbox storing a snapshot) requests pile up;
 * unbounded, they wait until clients time out and the node then works on answers nobody waits
 * for. A fast 503 keeps the latency of admitted requests bounded, tells a client or load balancer
 * to come back, and the node recovers as soon as the stall ends (ops/bench at 1,500 submits/s: a
 * one-second snapshot stall became 1,654 fast 503s and no timeouts). A 503 on submit means the
 * envelope was not taken: the sender retries, nothing is lost. What this cannot do: when the CPU
 * itself is saturated, requests queue in the HTTP layer and the dispatcher before they get here
 * (load-tests/RESULTS.md).
 */
public final class AdmissionControl extends AllDirectives {

  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder refused = new LongAdder();
  /** When refusals were last logged (nanoTime): at most one warning per interval. */
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);

  private static final long WARNING_INTERVAL_NANOS = 10_000_000_000L;
  private static final Logger log = LoggerFactory.getLogger(AdmissionControl.class);

  /** @param maxInFlight requests admitted at once; 0 admits everything */
  public AdmissionControl(int maxInFlight) {
    if (maxInFlight < 0) {
      throw new IllegalArgumentException("max in-flight requests must be 0 (no limit) or more");
    }
    this.maxInFlight = maxInFlight;
  }

  /**
   * Runs {@code inner} if a slot is free, holding the slot until its response is ready. {@code
   * inner} must not throw (wrap it in handleExceptions): a route that throws while being built would
   * keep its slot.
   */
  public Route admit(Supplier<Route> inner) {
    if (maxInFlight == 0) {
      return inner.get();
    }
    Route route = inner.get();
    return extractRequestContext(
        ctx -> {
          if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            refused.increment();
            warnNowAndThen();
            return complete(overloaded());
          }
          // run where the response completes: no executor hop for a counter
          return mapRouteResultFuture(
              result -> result.whenCompleteAsync((r, failure) -> inFlight.decrementAndGet(), Runnable::run),
              () -> route);
        });
  }

  /** An operator should see that the node sheds load, without a log line per refusal. */
  private void warnNowAndThen() {
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
      log.warn(
          "At capacity ({} API requests in flight): refusing further requests with 503; {} refused since start",
          maxInFlight,
          refused.sum());
    }
  }

  /** Requests being worked on now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Requests refused with 503 since start. */
  public long refused() {
    return refused.sum();
  }

  static HttpResponse overloaded() {
    return busy("The relay is at capacity, try again in a moment");
  }

  /** A 503 that tells the client to come back in a second. */
  static HttpResponse busy(String message) {
    return Responses.error(StatusCodes.SERVICE_UNAVAILABLE, ErrorCode.RESOURCE_UNAVAILABLE, message)
        .addHeader(RawHeader.create("Retry-After", "1"));
  }
}
