package dev.dm3relay.load;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every knob of a load run, read from system properties so that {@code mvn gatling:test -Dx=y} and
 * {@code ops/bench} can set them without recompiling. Defaults are sized for the 2-core machine the
 * project measures on (relay, Cassandra and load generator on the same cores).
 */
public record BenchConfig(
    URI baseUrl,
    double rate,
    Duration duration,
    Duration warmup,
    double warmupRate,
    int recipients,
    int senders,
    int envelopeBytes,
    int generatorThreads,
    double fetchShare,
    int prefillPerRecipient,
    double rampStart,
    double rampStep,
    int rampLevels,
    Duration rampLevelDuration,
    double gateErrorPercent,
    int gateP99Ms,
    int gateLiveP99Ms,
    double gateLiveMissingPercent,
    String outputDir) {

  public static BenchConfig fromSystemProperties() {
    URI base = URI.create(stripSlash(text("baseUrl", "http://127.0.0.1:18080")));
    requireLocalUnlessAllowed(base);
    double rate = number("rate", 500);
    return new BenchConfig(
        base,
        rate,
        Duration.ofSeconds((long) number("duration", 60)),
        Duration.ofSeconds((long) number("warmup", 15)),
        number("warmupRate", Math.max(1, rate)),
        (int) number("recipients", 200),
        (int) number("senders", 200),
        (int) number("envelopeBytes", 6144),
        (int) number("generatorThreads", Runtime.getRuntime().availableProcessors()),
        number("fetchShare", 0.3),
        (int) number("prefill", 5),
        number("ramp.start", 250),
        number("ramp.step", 250),
        (int) number("ramp.levels", 8),
        Duration.ofSeconds((long) number("ramp.levelSeconds", 20)),
        number("gate.errorPercent", 0.1),
        (int) number("gate.p99Ms", 50),
        (int) number("gate.liveP99Ms", 100),
        number("gate.liveMissingPercent", 0.1),
        text("bench.output", "target/bench"));
  }

  /** The WebSocket base (ws:// or wss://) of the relay. */
  public URI wsUrl() {
    return ws(baseUrl);
  }

  /**
   * The nodes the measured requests are spread over: {@code -DbaseUrls} (comma-separated, e.g. the
   * nodes of {@code ops/bench --cluster 3}), else the one {@code baseUrl}. Setup (sign-ups,
   * logins) always goes to {@code baseUrl}.
   */
  public List<URI> nodeUrls() {
    String list = text("baseUrls", "");
    if (list.isEmpty()) {
      return List.of(baseUrl);
    }
    List<URI> urls = Arrays.stream(list.split(",")).map(String::trim).filter(u -> !u.isEmpty()).map(u -> URI.create(stripSlash(u))).toList();
    urls.forEach(BenchConfig::requireLocalUnlessAllowed);
    return urls;
  }

  /** The WebSocket bases of {@link #nodeUrls()}. */
  public List<URI> wsUrls() {
    return nodeUrls().stream().map(BenchConfig::ws).toList();
  }

  private static URI ws(URI http) {
    String scheme = http.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
    return URI.create(scheme + "://" + http.getRawAuthority() + http.getRawPath());
  }

  /** How many envelopes one run at {@code rate} for warm-up plus duration submits, with headroom. */
  public int envelopesFor(double share) {
    double seconds = warmup.toSeconds() * warmupRate / Math.max(rate, 1e-9) + duration.toSeconds();
    return (int) Math.ceil(rate * share * seconds * 1.05) + 100;
  }

  /**
   * Load is only ever sent to this machine unless the operator says otherwise: a mistyped URL
   * must not turn a benchmark into traffic against someone's production relay.
   */
  static void requireLocalUnlessAllowed(URI base) {
    String host = base.getHost() == null ? "" : base.getHost().toLowerCase(Locale.ROOT);
    boolean local = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
    if (!local && !Boolean.parseBoolean(System.getProperty("bench.allowRemote", "false"))) {
      throw new IllegalArgumentException(
          "baseUrl " + base + " is not this machine; pass -Dbench.allowRemote=true (ops/bench: BENCH_ALLOW_REMOTE=1) to load a remote relay");
    }
  }

  static String text(String key, String fallback) {
    String value = System.getProperty(key);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  static double number(String key, double fallback) {
    String value = System.getProperty(key);
    return value == null || value.isBlank() ? fallback : Double.parseDouble(value.trim());
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
