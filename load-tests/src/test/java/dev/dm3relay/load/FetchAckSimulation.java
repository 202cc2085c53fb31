package dev.dm3relay.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * Fetch-and-acknowledge cycles at {@code -Drate}/s: each cycle fetches one recipient's incoming
 * mailbox (recipients in turn) and acknowledges what it got. Mailboxes are pre-filled with
 * {@code -Dprefill} messages each before the measurement and refilled during it by submits at
 * {@code -DsubmitRate}/s (default: the cycle rate), so a cycle finds about submitRate/rate
 * messages, as a messenger polling a busy mailbox does.
 */
public class FetchAckSimulation extends Simulation {

  private final BenchConfig config = BenchConfig.fromSystemProperties();
  private final double submitRate = BenchConfig.number("submitRate", config.rate());
  private final BenchData data =
      new BenchData(
          config,
          config.prefillPerRecipient() * config.recipients() + (int) Math.ceil(submitRate * config.duration().toSeconds() * 1.05) + 100,
          true);
  private final BenchSummary summary = new BenchSummary(config, "fetch", data.runId);

  {
    data.prefill(config.prefillPerRecipient());
    summary.root().put("submitRate", submitRate);
    setUp(
            scenario("fetch+ack")
                .exec(Chains.fetchAndAcknowledge(data))
                .injectOpen(constantUsersPerSec(config.rate()).during(config.duration())),
            scenario("refill")
                .exec(Chains.submit("refill submit", data, null))
                .injectOpen(constantUsersPerSec(submitRate).during(config.duration())))
        .protocols(Chains.protocol(config))
        .maxDuration(config.duration().multipliedBy(2).plusSeconds(60))
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
