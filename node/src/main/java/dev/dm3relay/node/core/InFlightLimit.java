package dev.dm3relay.node.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests one node works on at once, over every transport: an HTTP request holds a slot from
 * its (fully read) body to its response, a socket's submit from its event to its ack. Beyond
 * {@code max} a request is refused at once instead of queueing (why: api.AdmissionControl). One
 * instance per node, shared by the transports, so a socket cannot do what the API refuses.
 */
public final class InFlightLimit {

  private static final Logger log = LoggerFactory.getLogger(InFlightLimit.class);

  /** What a refused request is told, on every transport. */
  public static final String REFUSAL = "The relay is at capacity, try again in a moment";
  private static final long WARNING_INTERVAL_NANOS = 10_000_000_000L;

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder refused = new LongAdder();
  /** When refusals were last logged (nanoTime): at most one warning per interval. */
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);

  /** @param max requests at once; 0 admits everything */
  public InFlightLimit(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max in-flight requests must be 0 (no limit) or more");
    }
    this.max = max;
  }

  /** Takes a slot; false (and counted as refused) when none is free. Give it back with {@link #release}. */
  public boolean tryAcquire() {
    if (max == 0) {
      inFlight.incrementAndGet();
      return true;
    }
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      refused.increment();
      warnNowAndThen();
      return false;
    }
    return true;
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  public int max() {
    return max;
  }

  /** Requests being worked on now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Requests refused since start. */
  public long refused() {
    return refused.sum();
  }

  /** An operator should see that the node sheds load, without a log line per refusal. */
  private void warnNowAndThen() {
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
      log.warn("At capacity ({} requests in flight): refusing further requests; {} refused since start", max, refused.sum());
    }
  }
}
