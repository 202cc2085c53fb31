package dev.dm3relay.node.metrics;

import dev.dm3relay.node.delivery.SubmitResult;
import java.util.Optional;

/** The reference's delivery counters (§4.7): messages and bytes per interval, as CSV. */
public interface DeliveryMetrics {

  /** Counts an accepted RPC submission. */
  void submitted(String envelopeJson, SubmitResult.Accepted accepted);

  /** The CSV of finished intervals, or empty when there is no data (the route answers 204). */
  Optional<String> csv(long nowMs);
}
