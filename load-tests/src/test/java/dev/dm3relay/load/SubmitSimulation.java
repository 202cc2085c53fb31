package dev.dm3relay.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * Submit throughput and latency in the open model: new submits arrive at {@code -Drate}/s whatever
 * the relay's latency (as independent messengers do), spread over {@code -Drecipients} mailboxes.
 * A warm-up ({@code -Dwarmup} s ramping to {@code -DwarmupRate}) is reported separately as
 * "warm-up submit" so that JIT compilation and Cassandra's first memtables stay out of "submit".
 */
public class SubmitSimulation extends Simulation {

  private final BenchConfig config = BenchConfig.fromSystemProperties();
  private final BenchData data = new BenchData(config, config.envelopesFor(1.0), false);
  private final BenchSummary summary = new BenchSummary(config, "submit", data.runId);

  {
    setUp(
            scenario("warm-up")
                .exec(Chains.submit("warm-up submit", data, null))
                .injectOpen(rampUsersPerSec(1).to(config.warmupRate()).during(config.warmup()))
                .andThen(
                    scenario("submit")
                        .exec(Chains.submit("submit", data, null))
                        .injectOpen(constantUsersPerSec(config.rate()).during(config.duration()))))
        .protocols(Chains.protocol(config))
        .maxDuration(config.warmup().plus(config.duration()).multipliedBy(2).plusSeconds(60))
        .assertions(
            details("submit").failedRequests().percent().lt(config.gateErrorPercent()),
            details("submit").responseTime().percentile(99.0).lt(config.gateP99Ms()));
  }

  @Override
  public void after() {
    summary.root().put("envelopesUsed", data.used());
    summary.write();
  }
}
