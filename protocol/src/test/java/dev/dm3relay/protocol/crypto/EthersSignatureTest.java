package dev.dm3relay.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Ethereum#recoverPersonalSigner} against what ethers 5.7.2's {@code verifyMessage} answered
 * for the same signatures (tools/ethers_signatures.js): the same address where ethers recovers one,
 * a refusal where ethers throws.
 */
class EthersSignatureTest {

  private static JsonNode vectors() throws Exception {
    try (InputStream in = EthersSignatureTest.class.getResourceAsStream("/vectors/ethers-signatures.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @TestFactory
  Stream<DynamicTest> everySignatureShapeIsReadAsEthersReadsIt() throws Exception {
    JsonNode vectors = vectors();
    String message = vectors.get("message").asText();
    List<DynamicTest> tests = new ArrayList<>();
    int accepted = 0;
    int refused = 0;
    for (JsonNode c : vectors.get("cases")) {
      String signature = c.get("signature").asText();
      if (c.get("recovered").isNull()) {
        refused++;
        tests.add(
            DynamicTest.dynamicTest(
                "refused: " + c.get("description").asText(),
                () -> assertThrows(IllegalArgumentException.class, () -> Ethereum.recoverPersonalSigner(message, signature))));
      } else {
        accepted++;
        String expected = c.get("recovered").asText();
        tests.add(
            DynamicTest.dynamicTest(
                "recovers " + (expected.equals(vectors.get("signer").asText()) ? "the signer" : "another address") + ": " + c.get("description").asText(),
                () -> assertEquals(expected, Ethereum.recoverPersonalSigner(message, signature))));
      }
    }
    assertTrue(accepted >= 20 && refused >= 15, "both kinds are covered: " + accepted + " accepted, " + refused + " refused");
    return tests.stream();
  }
}
