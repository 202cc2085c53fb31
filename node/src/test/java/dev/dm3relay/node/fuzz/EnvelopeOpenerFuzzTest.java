package dev.dm3relay.node.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.dm3relay.node.UseCases;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.delivery.DeliveryService;
import dev.dm3relay.protocol.delivery.SubmitRejectedException;
import java.nio.charset.StandardCharsets;

/**
 * Any text as a submitted envelope: opened, or refused with {@link SubmitRejectedException} (which
 * the API turns into a 4xx). Anything else escaping would be a 500.
 */
public class EnvelopeOpenerFuzzTest {

  private static final DeliveryService SERVICE = new DeliveryService(VectorIdentity.IDENTITY, new EphemeralKeyPool(16));

  @FuzzTest
  void envelope(byte[] input) {
    fuzzerTestOneInput(input);
  }

  public static void fuzzerTestOneInput(byte[] input) {
    try {
      SERVICE.open(new String(input, StandardCharsets.UTF_8), 100_000);
    } catch (SubmitRejectedException expected) {
      // a refusal with a reason: the contract
    }
  }
}
