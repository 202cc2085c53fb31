package dev.dm3relay.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * A day in the life: users arrive at {@code -Drate}/s and each either submits a message
 * ({@code 1 - fetchShare}, 70 % by default) or fetches and acknowledges its mailbox (30 %). The
 * warm-up runs the same mix under "warm-up …" request names.
 */
public class MixedSimulation extends Simulation {

  private final BenchConfig config = BenchConfig.fromSystemProperties();
  private final BenchData data = new BenchData(config, config.envelopesFor(1.0 - config.fetchShare()), true);
  private final BenchSummary summary = new BenchSummary(config, "mixed", data.runId);

  {
    double fetch = 100.0 * config.fetchShare();
    setUp(
            scenario("warm-up")
                .exec(
                    randomSwitch()
                        .on(
                            percent(100.0 - fetch).then(Chains.submit("warm-up submit", data, null)),
                            percent(fetch).then(Chains.fetchAndAcknowledge("warm-up ", data))))
                .injectOpen(rampUsersPerSec(1).to(config.warmupRate()).during(config.warmup()))
                .andThen(
                    scenario("mixed")
                        .exec(
                            randomSwitch()
                                .on(
                                    percent(100.0 - fetch).then(Chains.submit("submit", data, null)),
                                    percent(fetch).then(Chains.fetchAndAcknowledge("", data))))
                        .injectOpen(constantUsersPerSec(config.rate()).during(config.duration()))))
        .protocols(Chains.protocol(config))
        .maxDuration(config.warmup().plus(config.duration()).multipliedBy(2).plusSeconds(60))
        .assertions(
            details("submit").failedRequests().percent().lt(config.gateErrorPercent()),
            details("fetch").failedRequests().percent().lt(config.gateErrorPercent()),
            details("ack").failedRequests().percent().lt(config.gateErrorPercent()),
            details("submit").responseTime().percentile(99.0).lt(config.gateP99Ms()));
  }

  @Override
  public void after() {
    summary.root().put("fetchShare", config.fetchShare());
    summary.root().put("envelopesUsed", data.used());
    data.putFetchStats(summary.root());
    summary.write();
  }
}
