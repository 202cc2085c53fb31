package dev.dm3relay.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * Fetch-and-acknowledge cycles at {@code -Drate}/s: each cycle fetches one recipient's incoming
 * mailbox (recipients in turn) and acknowledges what it got. Mailboxes are pre-filled with
 * {@code -Dprefill} messages each before the measurement and refilled during it by submits at
 * {@code -DsubmitRate}/s (default: the cycle rate), so a cycle finds about submitRate/rate
 * messages, as a messenger polling a busy mailbox does. A warm-up ({@code -Dwarmup} s ramping both
 * to {@code -DwarmupRate}) runs the same requests under "warm-up …" names, so that JIT compilation
 * of the fetch and ack paths stays out of the measured "fetch" and "ack".
 */
public class FetchAckSimulation extends Simulation {

  private final BenchConfig config = BenchConfig.fromSystemProperties();
  private final double submitRate = BenchConfig.number("submitRate", config.rate());
  private final BenchData data =
      new BenchData(
          config,
          config.prefillPerRecipient() * config.recipients()
              + (int) Math.ceil(submitRate * config.duration().toSeconds() * 1.05)
              + (int) Math.ceil(config.warmupRate() * config.warmup().toSeconds())
              + 100,
          true);
  private final BenchSummary summary = new BenchSummary(config, "fetch", data.runId);

  {
    data.prefill(config.prefillPerRecipient());
    summary.root().put("submitRate", submitRate);
    double warmupSubmitRate = Math.max(1, config.warmupRate() * submitRate / Math.max(config.rate(), 1e-9));
    setUp(
            scenario("warm-up fetch+ack")
                .exec(Chains.fetchAndAcknowledge("warm-up ", data))
                .injectOpen(rampUsersPerSec(1).to(config.warmupRate()).during(config.warmup()))
                .andThen(
                    scenario("fetch+ack")
                        .exec(Chains.fetchAndAcknowledge("", data))
                        .injectOpen(constantUsersPerSec(config.rate()).during(config.duration()))),
            scenario("warm-up refill")
                .exec(Chains.submit("warm-up submit", data, null))
                .injectOpen(rampUsersPerSec(1).to(warmupSubmitRate).during(config.warmup()))
                .andThen(
                    scenario("refill")
                        .exec(Chains.submit("refill submit", data, null))
                        .injectOpen(constantUsersPerSec(submitRate).during(config.duration()))))
        .protocols(Chains.protocol(config))
        .maxDuration(config.warmup().plus(config.duration()).multipliedBy(2).plusSeconds(60))
        .assertions(
            details("fetch").failedRequests().percent().lt(config.gateErrorPercent()),
            details("ack").failedRequests().percent().lt(config.gateErrorPercent()),
            details("fetch").responseTime().percentile(99.0).lt(config.gateP99Ms()));
  }

  @Override
  public void after() {
    summary.root().put("envelopesUsed", data.used());
    data.putFetchStats(summary.root());
    summary.write();
  }
}
