package dev.dm3relay.protocol.crypto.bench;

import dev.dm3relay.protocol.crypto.AsymmetricEncryption;
import dev.dm3relay.protocol.crypto.CryptoPrimitives;
import dev.dm3relay.protocol.crypto.KeyPair;
import dev.dm3relay.protocol.crypto.SealedPayload;
import dev.dm3relay.protocol.crypto.X25519Kx;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/** Fixed inputs of the size a relay sees per message (the TV2/TV7 keys of the protocol digest). */
final class BenchmarkData {

  /** DS encryption key pair (vectors: deliveryService.env). */
  static final KeyPair DS_ENCRYPTION = KeyPair.fromBase64(
      "A2BNmysbzyDvNcvVWCcj2Kguv0Mxbn5Bvh2vntoztTo=", "zOX1cfGzirssydZh5LMWvYNblkxBMz1jdnvxWiRmi0E=");
  /** DS signing private key, seed ‖ public (vectors: deliveryService.env). */
  static final byte[] DS_SIGNING_PRIVATE = Base64.getDecoder().decode(
      "rbLp+bZwz1eXsnWQfbsJHAwo44TvPMv73aUmno/wUdEpvgkSV0sYu8trtYx9MYorQJtvPVRvmY4MQlA2KAm1lQ==");
  /** Bob's encryption public key (vectors: keys.wallets.bob). */
  static final byte[] BOB_ENCRYPTION_PUBLIC = Base64.getDecoder().decode("jQ2TvKtCfYdM4Fvv3gG8rEuN33mWIRea6MKq5rGr8Gw=");

  static final byte[] DELIVERY_INFORMATION = "{\"from\":\"alice.eth\",\"to\":\"bob.eth\"}".getBytes(StandardCharsets.UTF_8);

  private BenchmarkData() {}

  /** A DeliveryInformation payload for the DS key: 2,064 bytes of ciphertext, as a client sends it. */
  static SealedPayload deliveryInformationForDs() {
    return AsymmetricEncryption.encrypt(
        DS_ENCRYPTION.publicKey(), DELIVERY_INFORMATION, X25519Kx.generate(), AsymmetricEncryption.randomNonce());
  }

  /**
   * stringify(envelope.message) of a short message, the text the postmark's EIP-191 hash covers:
   * the 2,870-character EncryptedPayload JSON as a quoted JSON string, 2,884 bytes.
   */
  static String quotedEnvelopeMessage() {
    byte[] ciphertext = new byte[2064];
    new Random(7).nextBytes(ciphertext);
    String payload = "{\"ciphertext\":\"" + Base64.getEncoder().encodeToString(ciphertext)
        + "\",\"ephemPublicKey\":\"wU80hBVqjPBbCYdCKbVZGQymzT58FovRq4Y0zjLkR0k=\",\"nonce\":\"0x5db67f7c3e7972e1e13ab043\"}";
    return "\"" + payload.replace("\"", "\\\"") + "\"";
  }

  /**
   * Makes {@code wanted} the implementation behind {@link CryptoPrimitives#active()}. JMH runs each
   * parameter value in a fresh JVM, so setting the property before the first crypto call works;
   * the check catches a fork that was not fresh.
   */
  static void usePrimitives(String wanted) {
    System.setProperty("dm3.crypto.primitives", wanted);
    String actual = CryptoPrimitives.active().name();
    String expected = wanted.equals("java") ? CryptoPrimitives.pureJava().name() : wanted;
    if (!actual.equals(expected)) {
      throw new IllegalStateException("wanted " + wanted + " primitives, the JVM runs " + actual);
    }
  }
}
