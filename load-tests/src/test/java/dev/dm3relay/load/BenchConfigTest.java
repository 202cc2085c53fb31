package dev.dm3relay.load;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Load goes to this machine unless the operator explicitly allows a remote relay. */
class BenchConfigTest {

  @Test
  void localRelaysAreAllowedAndRemoteOnesNeedConsent() {
    assertDoesNotThrow(() -> BenchConfig.requireLocalUnlessAllowed(URI.create("http://127.0.0.1:18080")));
    assertDoesNotThrow(() -> BenchConfig.requireLocalUnlessAllowed(URI.create("http://localhost:8080")));
    assertDoesNotThrow(() -> BenchConfig.requireLocalUnlessAllowed(URI.create("ws://[::1]:8080")));
    assertThrows(IllegalArgumentException.class, () -> BenchConfig.requireLocalUnlessAllowed(URI.create("https://relay.example.org")));
  }

  @Test
  void envelopeCountCoversWarmUpAndMeasuredPhaseWithHeadroom() {
    BenchConfig config = BenchConfig.fromSystemProperties();
    // defaults: 500/s for 60 s after a warm-up ramping to 500/s over 15 s (counted as if at 500/s)
    int count = config.envelopesFor(1.0);
    assertEquals((int) Math.ceil(500 * (15 + 60) * 1.05) + 100, count);
  }
}
