package dev.dm3relay.node.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IncomingEnvelopeTest {

  /** The quota counts UTF-8 bytes without encoding: it must agree with encoding for stored JSON. */
  @Test
  void sizeIsTheUtf8LengthOfTheStoredJsonAlsoBeyondAscii() {
    for (String json :
        new String[] {
          "{\"message\":\"abc\"}",
          "{\"message\":\"caf\u00e9 \u00df\"}", // two-byte characters
          "{\"message\":\"\u20ac \u4e2d\"}", // three-byte characters
          "{\"message\":\"\ud83d\ude00 \ud83c\udf89\"}", // surrogate pairs: four bytes each
          "{\"message\":\"\\ud800\"}" // a lone surrogate as canonical JSON writes it: escaped
        }) {
      IncomingEnvelope envelope = new IncomingEnvelope("alice.eth", "0x" + "ab".repeat(32), json);
      assertEquals(json.getBytes(StandardCharsets.UTF_8).length, envelope.sizeInBytes(), json);
    }
  }
}
