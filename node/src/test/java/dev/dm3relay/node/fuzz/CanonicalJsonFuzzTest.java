package dev.dm3relay.node.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.MalformedJsonException;
import java.nio.charset.StandardCharsets;

/**
 * Any text through the parser and canonical JSON: refused as {@link MalformedJsonException}, or
 * serialised to text that parses again and serialises to itself (canonical JSON is a fixed point).
 */
public class CanonicalJsonFuzzTest {

  @FuzzTest
  void canonical(byte[] input) {
    fuzzerTestOneInput(input);
  }

  public static void fuzzerTestOneInput(byte[] input) {
    String once;
    try {
      once = CanonicalJson.stringify(Json.parse(new String(input, StandardCharsets.UTF_8)));
    } catch (MalformedJsonException expected) {
      return;
    }
    String twice = CanonicalJson.stringify(Json.parse(once));
    if (!once.equals(twice)) {
      throw new AssertionError("canonical JSON is not stable: " + once + " then " + twice);
    }
  }
}
