package dev.dm3relay.load;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Flood isolation (issue: abuse resistance): {@code -Dhonest.senders} (50) well-behaved senders,
 * each from a loopback address of its own (127.0.0.2, 127.0.0.3, …) and on its own keep-alive
 * connection, submit one fresh envelope every {@code -Dhonest.intervalMs} (200 ms), while one
 * address ({@code -Dflood.address}, 127.0.0.250) floods {@code POST /rpc} with valid envelopes at
 * {@code -Dflood.rate}/s (0: the baseline run). Against a relay with its default rate limits the
 * flood is refused at its address's bucket (429) before its bodies are parsed.
 *
 * <p>Reported: "honest submit" (must all be 200; its p99 against the baseline is the result) and
 * "flood submit" (200 or 429, counted apart). Run it twice, baseline and flood, on the same relay
 * build: ops/bench isolation@0 isolation@2000 with BENCH_RATE_LIMITS=on (see load-tests/README.md).
 */
public class FloodIsolationSimulation extends Simulation {

  private final BenchConfig config = BenchConfig.fromSystemProperties();
  private final int senders = Integer.getInteger("honest.senders", 50);
  private final long intervalMs = Long.getLong("honest.intervalMs", 200);
  private final double floodRate = Double.parseDouble(System.getProperty("flood.rate", String.valueOf(config.rate())));
  private final String floodAddress = System.getProperty("flood.address", "127.0.0.250");
  private final long perSender = (config.warmup().toMillis() + config.duration().toMillis()) / intervalMs + 5;
  /** The flood cycles through a few hundred envelopes: past its bucket they are refused unread anyway. */
  private static final int FLOOD_ENVELOPES = 500;

  private final BenchData data = new BenchData(config, FLOOD_ENVELOPES + 100, false);
  private final List<byte[]> floodBodies = new ArrayList<>();
  /**
   * Each well-behaved sender is one sender account on its own address, sending to the recipients
   * in turn: honest.get(k) are sender k's envelopes, built here (far from the indexes BenchData
   * builds, so none is a duplicate of another).
   */
  private final List<List<byte[]>> honest = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger nextSender = new java.util.concurrent.atomic.AtomicInteger();

  private java.util.Iterator<java.util.Map<String, Object>> floodFeeder() {
    java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
    return java.util.stream.Stream.generate(
            () -> java.util.Map.<String, Object>of("body", floodBodies.get((int) (next.getAndIncrement() % floodBodies.size()))))
        .iterator();
  }
  private final BenchSummary summary = new BenchSummary(config, "isolation", data.runId);

  private HttpProtocolBuilder protocol() {
    return http.baseUrl(config.baseUrl().toString())
        .contentTypeHeader("application/json")
        .acceptHeader("application/json")
        .disableCaching()
        .disableWarmUp()
        .userAgentHeader("dm3-relay-load-tests");
  }

  {
    for (int i = 0; i < FLOOD_ENVELOPES; i++) {
      floodBodies.add(data.nextEnvelope().body());
    }
    if (senders > config.senders()) {
      throw new IllegalArgumentException("honest.senders (" + senders + ") needs as many -Dsenders accounts");
    }
    long pairs = (long) config.senders() * config.recipients();
    long base = pairs * 100_000L; // sender k of envelope base + k·recipients + r is k, for every r below recipients
    for (int k = 0; k < senders; k++) {
      int sender = k;
      honest.add(
          java.util.stream.LongStream.range(0, perSender)
              .parallel()
              .mapToObj(r -> data.factory.envelope(base + (r / config.recipients()) * pairs + (long) sender * config.recipients() + r % config.recipients()).body())
              .toList());
    }
    List<String> honestAddresses = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      honestAddresses.add("127.0.0." + (2 + i));
    }
    long warmupRounds = config.warmup().toMillis() / intervalMs;
    long measuredRounds = config.duration().toMillis() / intervalMs;
    PopulationBuilder honestSenders =
        scenario("honest")
            .exec(s -> s.set("k", nextSender.getAndIncrement()))
            .repeat((int) warmupRounds, "w")
            .on(
                exec(http("warm-up honest submit").post("/rpc").body(ByteArrayBody(s -> honest.get(s.getInt("k")).get(s.getInt("w")))).check(status().is(200)))
                    .pace(Duration.ofMillis(intervalMs)))
            .repeat((int) measuredRounds, "r")
            .on(
                exec(http("honest submit")
                        .post("/rpc")
                        .body(ByteArrayBody(s -> honest.get(s.getInt("k")).get((int) warmupRounds + s.getInt("r"))))
                        .check(status().is(200)))
                    .pace(Duration.ofMillis(intervalMs)))
            .injectOpen(atOnceUsers(senders))
            // one address per sender: Gatling gives each virtual user the next address in turn
            .protocols(protocol().localAddresses(honestAddresses));
    List<PopulationBuilder> populations = new ArrayList<>(List.of(honestSenders));
    if (floodRate > 0) {
      populations.add(
          scenario("flood")
              .exec(
                  feed(floodFeeder())
                      .exec(
                          http("flood submit")
                              .post("/rpc")
                              .body(ByteArrayBody(s -> (byte[]) s.get("body")))
                              .check(status().in(200, 429))))
              .injectOpen(nothingFor(config.warmup()), constantUsersPerSec(floodRate).during(config.duration()))
              .protocols(protocol().shareConnections().localAddress(floodAddress)));
    }
    setUp(populations)
        .maxDuration(config.warmup().plus(config.duration()).multipliedBy(2).plusSeconds(60))
        .assertions(
            details("honest submit").failedRequests().count().is(0L),
            details("honest submit").responseTime().percentile(99.0).lt(config.gateP99Ms()));
  }

  @Override
  public void after() {
    summary.root().put("envelopesUsed", data.used() + (long) senders * perSender);
    summary.root().put("floodRate", floodRate);
    summary.root().put("honestSenders", senders);
    summary.write();
  }
}
