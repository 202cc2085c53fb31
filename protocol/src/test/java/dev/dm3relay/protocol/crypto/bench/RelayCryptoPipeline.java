package dev.dm3relay.protocol.crypto.bench;

import dev.dm3relay.protocol.crypto.AsymmetricEncryption;
import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.crypto.SealedPayload;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The crypto of one accepted message, as the relay will run it, through the public API. */
final class RelayCryptoPipeline {

  private RelayCryptoPipeline() {}

  /**
   * Opens the DeliveryInformation with the DS key, then builds the postmark (§5.2) and encrypts it
   * for the receiver, with an ephemeral key from {@code pool} or, when it is null, made inline.
   */
  static SealedPayload perMessage(
      SealedPayload deliveryInformation, String quotedEnvelopeMessage, long incommingTimestamp, EphemeralKeyPool pool) {
    byte[] deliveryInformationJson = AsymmetricEncryption.decrypt(BenchmarkData.DS_ENCRYPTION, deliveryInformation);
    if (deliveryInformationJson.length != BenchmarkData.DELIVERY_INFORMATION.length) {
      throw new IllegalStateException("DeliveryInformation did not round-trip");
    }
    String messageHash = Hex.prefixed(Ethereum.eip191Hash(quotedEnvelopeMessage));
    String signedText = Hashes.sha256Hex(
        "{\"incommingTimestamp\":" + incommingTimestamp + ",\"messageHash\":\"" + messageHash + "\"}");
    String signature = Base64.getEncoder().encodeToString(
        Ed25519.sign(BenchmarkData.DS_SIGNING_PRIVATE, signedText.getBytes(StandardCharsets.UTF_8)));
    byte[] postmark = ("{\"incommingTimestamp\":" + incommingTimestamp + ",\"messageHash\":\"" + messageHash
        + "\",\"signature\":\"" + signature + "\"}").getBytes(StandardCharsets.UTF_8);
    return pool == null
        ? AsymmetricEncryption.encrypt(BenchmarkData.BOB_ENCRYPTION_PUBLIC, postmark)
        : AsymmetricEncryption.encrypt(BenchmarkData.BOB_ENCRYPTION_PUBLIC, postmark, pool);
  }
}
