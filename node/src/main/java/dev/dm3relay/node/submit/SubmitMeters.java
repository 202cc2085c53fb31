package dev.dm3relay.node.submit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * The submit metrics, registered once: every (transport, outcome, reason) counter is made up front
 * so that counting a submit is an array lookup, not a registry lookup. No label names a user.
 */
final class SubmitMeters {

  private static final String SUBMITS = "dm3.relay.submits";

  private final Counter[][] accepted = new Counter[Transport.values().length][2];
  private final Counter[][] refused = new Counter[Transport.values().length][SubmitResult.Refusal.values().length];
  private final Counter[] unavailable = new Counter[Transport.values().length];
  private final Timer[] duration = new Timer[Transport.values().length];

  SubmitMeters(MeterRegistry registry) {
    for (Transport t : Transport.values()) {
      accepted[t.ordinal()][0] = counter(registry, t, "accepted", "none");
      accepted[t.ordinal()][1] = counter(registry, t, "duplicate", "none");
      for (SubmitResult.Refusal r : SubmitResult.Refusal.values()) {
        refused[t.ordinal()][r.ordinal()] = counter(registry, t, "refused", r.name().toLowerCase(Locale.ROOT));
      }
      unavailable[t.ordinal()] = counter(registry, t, "unavailable", "storage_or_chain");
      duration[t.ordinal()] =
          Timer.builder("dm3.relay.submit.duration")
              .description("From a submission's arrival at the submit use case to its answer (durable when accepted)")
              .tag("transport", t.label)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(1))
              .maximumExpectedValue(Duration.ofSeconds(30))
              .register(registry);
    }
  }

  private static Counter counter(MeterRegistry registry, Transport t, String outcome, String reason) {
    return Counter.builder(SUBMITS)
        .description("Submissions by transport and how they ended")
        .tag("transport", t.label)
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }

  void record(Transport transport, SubmitResult result, long nanos) {
    int t = transport.ordinal();
    duration[t].record(Duration.ofNanos(nanos));
    if (result == null) {
      unavailable[t].increment();
    } else if (result instanceof SubmitResult.Accepted a) {
      accepted[t][a.duplicate() ? 1 : 0].increment();
    } else {
      refused[t][((SubmitResult.Rejected) result).refusal().ordinal()].increment();
    }
  }
}
