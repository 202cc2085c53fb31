package dev.dm3relay.load;

import static io.gatling.javaapi.core.CoreDsl.asLongAsDuring;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Live delivery latency: every recipient holds an authenticated Socket.IO connection while submits
 * arrive at {@code -Drate}/s; the time from sending a submit to its {@code message} event reaching
 * the recipient's socket is the live latency (see {@link LiveListeners}). Gatling reports the
 * submits; the live percentiles go to the console and target/bench/live.json.
 *
 * <p>The gate: after the last submit (and up to 5 s for pushes still on their way) one request
 * named "live delivery gate" checks the live p99 and the share of missing pushes. Its check
 * failure carries the measured values, shows up in the HTML report and fails the run's
 * assertions, so the live numbers gate a build exactly like Gatling's own do.
 */
public class LiveDeliverySimulation extends Simulation {

  private static final String GATE = "live delivery gate";

  private final BenchConfig config = BenchConfig.fromSystemProperties();
  private final BenchData data = new BenchData(config, config.envelopesFor(1.0), true);
  private final LiveListeners live = new LiveListeners(config.wsUrls(), data.recipients, data.tokens, Duration.ofSeconds(30));
  private final BenchSummary summary = new BenchSummary(config, "live", data.runId);

  {
    setUp(
            scenario("warm-up")
                .exec(Chains.submit("warm-up submit", data, null))
                .injectOpen(rampUsersPerSec(1).to(config.warmupRate()).during(config.warmup()))
                .andThen(
                    scenario("live")
                        .exec(Chains.submit("submit (live)", data, live))
                        .injectOpen(constantUsersPerSec(config.rate()).during(config.duration()))
                        .andThen(
                            scenario(GATE)
                                .exec(asLongAsDuring(session -> live.pending() > 0, Duration.ofSeconds(5)).on(pause(Duration.ofMillis(100))))
                                .exec(http(GATE).get("/hello").check(bodyString().transform(body -> verdict()).is("ok")))
                                .injectOpen(atOnceUsers(1)))))
        .protocols(Chains.protocol(config))
        .maxDuration(config.warmup().plus(config.duration()).multipliedBy(2).plusSeconds(60))
        .assertions(
            details("submit (live)").failedRequests().percent().lt(config.gateErrorPercent()),
            details(GATE).failedRequests().count().is(0L));
  }

  private double missingPercent() {
    long missing = live.pending();
    return 100.0 * missing / Math.max(1, live.latency().count() + missing);
  }

  /** "ok", or what is out of bounds with the measured values (Gatling shows it as the failure). */
  private String verdict() {
    double p99 = live.latency().percentileMillis(99);
    if (live.latency().count() == 0) {
      return "no push arrived";
    }
    if (p99 > config.gateLiveP99Ms() || missingPercent() > config.gateLiveMissingPercent()) {
      return String.format(
          "live p99 %.2f ms (gate %d ms), missing %.3f %% (gate %.3f %%)",
          p99, config.gateLiveP99Ms(), missingPercent(), config.gateLiveMissingPercent());
    }
    return "ok";
  }

  @Override
  public void after() {
    LatencyHistogram h = live.latency();
    long missing = live.pending();
    live.close();
    ObjectNode node = summary.root().putObject("live");
    BenchSummary.putLatency(node, h);
    node.put("missing", missing);
    node.put("unmatched", live.unmatched());
    node.put("disconnects", live.disconnects());
    node.put("verdict", verdict());
    summary.write();
    System.out.printf(
        "[bench] live delivery: %d pushed, %d missing (%.3f %%), p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms, %d unexpected disconnects%n",
        h.count(), missing, missingPercent(), h.percentileMillis(50), h.percentileMillis(95), h.percentileMillis(99), h.percentileMillis(100), live.disconnects());
  }
}
