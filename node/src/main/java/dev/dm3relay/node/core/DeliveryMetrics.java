package dev.dm3relay.node.core;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The reference's delivery counters (§4.7): messages and bytes per interval, as CSV. */
public interface DeliveryMetrics {

  /** Counts nothing and has no CSV (the start-up warm-up's synthetic submits). */
  DeliveryMetrics NONE =
      new DeliveryMetrics() {
        @Override
        public void submitted(int sizeBytes) {}

        @Override
        public CompletionStage<Optional<String>> csv(long nowMs) {
          return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
        }
      };

  /** Counts an accepted RPC submission of {@code sizeBytes} (dm3 size of the envelope). */
  void submitted(int sizeBytes);

  /** Counts a new-message notification sent (the CSV's notificationCount). */
  default void notified() {}

  /** The CSV of finished intervals within retention, or empty when there is none (204). */
  CompletionStage<Optional<String>> csv(long nowMs);
}
