package dev.dm3relay.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a run measured beyond Gatling's own statistics (live-delivery latency, the ramp's levels),
 * written as JSON next to Gatling's report for {@code ops/bench} to put into RESULTS.md.
 */
public final class BenchSummary {

  private final ObjectNode root = Json.newObject();
  private final Path file;

  public BenchSummary(BenchConfig config, String simulation, String runId) {
    this.file = Path.of(config.outputDir(), simulation + ".json");
    root.put("simulation", simulation);
    root.put("runId", runId);
    root.put("rate", config.rate());
    root.put("durationSeconds", config.duration().toSeconds());
    root.put("recipients", config.recipients());
    root.put("senders", config.senders());
    root.put("targetEnvelopeBytes", config.envelopeBytes());
  }

  public ObjectNode root() {
    return root;
  }

  public static void putLatency(ObjectNode node, LatencyHistogram h) {
    node.put("count", h.count());
    node.put("mean", round(h.meanMillis()));
    node.put("p50", round(h.percentileMillis(50)));
    node.put("p95", round(h.percentileMillis(95)));
    node.put("p99", round(h.percentileMillis(99)));
    node.put("max", round(h.percentileMillis(100)));
  }

  public void write() {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, root.toPrettyString() + "\n", StandardCharsets.UTF_8);
      System.out.println("[bench] summary written to " + file.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double round(double v) {
    return Double.isNaN(v) ? -1 : Math.round(v * 100) / 100.0;
  }
}
