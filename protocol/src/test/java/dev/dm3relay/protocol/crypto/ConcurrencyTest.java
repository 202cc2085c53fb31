package dev.dm3relay.protocol.crypto;

import static dev.dm3relay.protocol.crypto.Vectors.b64;
import static dev.dm3relay.protocol.crypto.Vectors.hex;
import static dev.dm3relay.protocol.crypto.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The digests and ciphers are reused per thread, and the native library is shared: many threads
 * at once must still produce the vector bytes.
 */
class ConcurrencyTest {

  @Test
  void parallelEncryptionsDecryptionsAndSignaturesMatchTheVectors() throws Exception {
    List<JsonNode> cases = Vectors.deterministicEncryptions();
    byte[] dsSigningKey = b64(Vectors.ROOT.path("deliveryService").required("env"), "SIGNING_PRIVATE_KEY");
    JsonNode postmark = Vectors.envelopeCases().get(0).path("expected").required("postmark");
    byte[] signedText = text(postmark, "signedText").getBytes(StandardCharsets.UTF_8);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        Callable<Integer> work = () -> {
          int checked = 0;
          for (int round = 0; round < 60; round++) {
            JsonNode c = cases.get((round + offset) % cases.size());
            KeyPair recipient = KeyPair.fromBase64(text(c, "recipientPublicKey"), text(c, "recipientPrivateKey"));
            SealedPayload sealed = AsymmetricEncryption.encrypt(recipient.publicKey(),
                text(c, "plaintext").getBytes(StandardCharsets.UTF_8),
                X25519Kx.seedKeyPair(hex(c, "ephemeralSeed")), hex(c, "nonce"));
            assertEquals(Vectors.payload(c.required("payload")), sealed, text(c, "id"));
            assertEquals(text(c, "plaintext"),
                new String(AsymmetricEncryption.decrypt(recipient, sealed), StandardCharsets.UTF_8));
            assertEquals(text(postmark, "signature"),
                java.util.Base64.getEncoder().encodeToString(Ed25519.sign(dsSigningKey, signedText)));
            checked++;
          }
          return checked;
        };
        results.add(threads.submit(work));
      }
      for (Future<Integer> result : results) {
        assertEquals(60, result.get(120, TimeUnit.SECONDS));
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
