package dev.dm3relay.node.api;

import dev.dm3relay.node.core.ErrorCode;
import dev.dm3relay.node.core.InFlightLimit;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Bounds the API requests one node works on at once ({@link InFlightLimit}). Beyond its max a request is
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

  private final InFlightLimit limit;

  public AdmissionControl(InFlightLimit limit) {
    this.limit = limit;
  }

  /**
   * Runs {@code inner} if a slot is free, holding the slot until its response is ready. {@code
   * inner} must not throw (wrap it in handleExceptions): a route that throws while being built would
   * keep its slot.
   */
  public Route admit(Supplier<Route> inner) {
    Route route = inner.get();
    if (limit.max() == 0) {
      return route;
    }
    return extractRequestContext(
        ctx -> {
          if (!limit.tryAcquire()) {
            return complete(overloaded());
          }
          // run where the response completes: no executor hop for a counter
          return mapRouteResultFuture(
              result -> result.whenCompleteAsync((r, failure) -> limit.release(), Runnable::run),
              () -> route);
        });
  }

  /** The node's limit (requests in flight, refusals), shared with the socket transport. */
  public InFlightLimit limit() {
    return limit;
  }

  static HttpResponse overloaded() {
    return busy(InFlightLimit.REFUSAL);
  }

  /** A 503 that tells the client to come back in a second. */
  static HttpResponse busy(String message) {
    return Responses.error(StatusCodes.SERVICE_UNAVAILABLE, ErrorCode.RESOURCE_UNAVAILABLE, message)
        .addHeader(RawHeader.create("Retry-After", "1"));
  }
}
