package dev.dm3relay.load;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.incrementUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Finds the saturation point of submits: the offered rate steps up from {@code -Dramp.start} by
 * {@code -Dramp.step} for {@code -Dramp.levels} levels of {@code -Dramp.levelSeconds} s each. Each
 * level's accepted rate and latency percentiles are recorded separately; the saturation point is
 * the highest level whose accepted rate keeps up with the offered rate (≥ 97 %) with errors and
 * p99 within the gates. Gatling's report shows the same run over time.
 */
public class RampSimulation extends Simulation {

  private static final Duration BETWEEN_LEVELS = Duration.ofSeconds(2);

  private final BenchConfig config = BenchConfig.fromSystemProperties();
  private final BenchData data = new BenchData(config, envelopeCount(config), false);
  private final BenchSummary summary = new BenchSummary(config, "ramp", data.runId);
  private final List<Level> levels = new ArrayList<>();
  private volatile long startNanos;

  /** One step of the ramp, timed by the generator itself (Gatling's report is not per level). */
  private static final class Level {
    final double offered;
    final LatencyHistogram ok = new LatencyHistogram();
    final LongAdder failed = new LongAdder();

    Level(double offered) {
      this.offered = offered;
    }
  }

  private static int envelopeCount(BenchConfig c) {
    double total = 0;
    for (int i = 0; i < c.rampLevels(); i++) {
      total += (c.rampStart() + i * c.rampStep()) * (c.rampLevelDuration().toSeconds() + BETWEEN_LEVELS.toSeconds());
    }
    return (int) Math.ceil(total * 1.03) + 200;
  }

  {
    for (int i = 0; i < config.rampLevels(); i++) {
      levels.add(new Level(config.rampStart() + i * config.rampStep()));
    }
    setUp(
            scenario("ramp")
                .exec(
                    session -> {
                      if (startNanos == 0) {
                        startNanos = System.nanoTime();
                      }
                      return session.set("t0", System.nanoTime());
                    })
                .exec(feed(data.envelopeFeeder()))
                .exec(
                    http("submit (ramp)")
                        .post("/rpc")
                        .body(ByteArrayBody(session -> (byte[]) session.get("body")))
                        .check(status().is(200).saveAs("status")))
                .exec(
                    session -> {
                      long end = System.nanoTime();
                      Level level = levelAt(session.getLong("t0"));
                      if (level != null) {
                        if (session.contains("status")) {
                          level.ok.record(end - session.getLong("t0"));
                        } else {
                          level.failed.increment();
                        }
                      }
                      return session;
                    })
                .injectOpen(
                    incrementUsersPerSec(config.rampStep())
                        .times(config.rampLevels())
                        .eachLevelLasting(config.rampLevelDuration())
                        .separatedByRampsLasting(BETWEEN_LEVELS)
                        .startingFrom(config.rampStart())))
        .protocols(Chains.protocol(config))
        .maxDuration(config.rampLevelDuration().plus(BETWEEN_LEVELS).multipliedBy(config.rampLevels()).plusSeconds(120))
        // a ramp is meant to go past the limit: only an outright broken relay fails it
        .assertions(global().failedRequests().percent().lt(50.0));
  }

  /** The level a request started in; null inside the short ramps between levels. */
  private Level levelAt(long t0) {
    long since = t0 - startNanos;
    long period = config.rampLevelDuration().plus(BETWEEN_LEVELS).toNanos();
    int index = (int) (since / period);
    if (index >= levels.size() || since % period >= config.rampLevelDuration().toNanos()) {
      return null;
    }
    return levels.get(index);
  }

  @Override
  public void after() {
    ArrayNode out = summary.root().putArray("levels");
    double seconds = config.rampLevelDuration().toSeconds();
    Level saturation = null;
    System.out.println("[bench] ramp levels: offered/s, accepted/s, errors %, p50, p95, p99 ms");
    for (Level level : levels) {
      long ok = level.ok.count();
      long failed = level.failed.sum();
      double accepted = ok / seconds;
      double errorPercent = 100.0 * failed / Math.max(1, ok + failed);
      ObjectNode node = out.addObject();
      node.put("offered", level.offered);
      node.put("accepted", Math.round(accepted * 10) / 10.0);
      node.put("errorPercent", Math.round(errorPercent * 1000) / 1000.0);
      BenchSummary.putLatency(node, level.ok);
      System.out.printf(
          "[bench]   %7.0f %9.1f %8.3f %8.2f %8.2f %8.2f%n",
          level.offered, accepted, errorPercent, level.ok.percentileMillis(50), level.ok.percentileMillis(95), level.ok.percentileMillis(99));
      boolean keepsUp = accepted >= 0.97 * level.offered && errorPercent < config.gateErrorPercent() && level.ok.percentileMillis(99) < config.gateP99Ms();
      if (keepsUp && (saturation == null || level.offered > saturation.offered)) {
        saturation = level;
      }
    }
    summary.root().put("saturationOffered", saturation == null ? 0 : saturation.offered);
    System.out.println("[bench] highest level within the gates (p99 < " + config.gateP99Ms() + " ms, errors < " + config.gateErrorPercent() + " %): " + (saturation == null ? "none" : saturation.offered + "/s"));
    summary.root().put("envelopesUsed", data.used());
    summary.write();
  }
}
