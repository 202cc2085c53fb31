package dev.dm3relay.protocol.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.crypto.AsymmetricEncryption;
import dev.dm3relay.protocol.crypto.DecryptionException;
import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.crypto.KeyPair;
import dev.dm3relay.protocol.crypto.SealedPayload;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.MalformedJsonException;
import dev.dm3relay.protocol.json.SchemaException;
import dev.dm3relay.protocol.model.DeliveryInformation;
import dev.dm3relay.protocol.model.EncryptedPayload;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.model.Postmark;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The per-message work of a delivery service: open the routing data of a submitted envelope and
 * stamp an accepted one with a signed, encrypted postmark (§5.1, §5.2). Stateless apart from the
 * keys and a pool of ephemeral keys generated ahead; safe to share between threads.
 */
public final class DeliveryService {

  private final DeliveryServiceIdentity identity;
  private final EphemeralKeyPool ephemeralKeys;

  public DeliveryService(DeliveryServiceIdentity identity, EphemeralKeyPool ephemeralKeys) {
    this.identity = identity;
    this.ephemeralKeys = ephemeralKeys;
  }

  public DeliveryServiceIdentity identity() {
    return identity;
  }

  /**
   * Steps 1–3 of the submit pipeline: parse {@code params[0]}, check its shape, its canonical size
   * against {@code sizeLimit} (a size equal to the limit passes, as in the reference), and decrypt
   * the delivery information with this service's key.
   *
   * @throws SubmitRejectedException with the reason of the first failing step
   */
  public OpenedEnvelope open(String envelopeJson, long sizeLimit) {
    JsonNode json;
    try {
      json = Json.parse(envelopeJson);
    } catch (MalformedJsonException e) {
      throw new SubmitRejectedException(SubmitRejectedException.Reason.MALFORMED_JSON, "Error parsing envelop: " + e.getMessage());
    }
    EncryptionEnvelope envelope;
    try {
      envelope = EncryptionEnvelope.fromJson(json);
    } catch (SchemaException e) {
      throw new SubmitRejectedException(SubmitRejectedException.Reason.INVALID_SCHEMA, "invalid schema: " + e.getMessage());
    }
    if (envelope.metadata().encryptedDeliveryInformation() == null) {
      throw new SubmitRejectedException(
          SubmitRejectedException.Reason.INVALID_SCHEMA,
          "invalid schema: metadata.deliveryInformation: must be the encrypted string on submit");
    }
    requireHashFormat(envelope.metadata().messageHash(), "metadata.messageHash");
    requireHashFormat(envelope.metadata().encryptedMessageHash(), "metadata.encryptedMessageHash");
    int size = CanonicalJson.size(json);
    if (size > sizeLimit) {
      throw new SubmitRejectedException(
          SubmitRejectedException.Reason.TOO_LARGE, "Message is too large (" + size + " > " + sizeLimit + " bytes)");
    }
    String quotedMessage = Json.quote(envelope.message());
    String encryptedMessageHash = envelope.metadata().encryptedMessageHash();
    if (encryptedMessageHash != null
        && !encryptedMessageHash.equals(dev.dm3relay.protocol.crypto.Hashes.sha256Hex(quotedMessage))) {
      // The npm 1.7.1 layout names the envelope by a hash the relay can check. Unchecked, anyone
      // could submit another envelope under a hash already buffered and have it taken for a resubmit.
      throw new SubmitRejectedException(
          SubmitRejectedException.Reason.MESSAGE_HASH_MISMATCH,
          "metadata.encryptedMessageHash is not the sha256 of stringify(message)");
    }
    return new OpenedEnvelope(envelope, openDeliveryInformation(envelope.metadata().encryptedDeliveryInformation()), size, quotedMessage);
  }

  /**
   * Message hashes are the envelope's identity in a mailbox (duplicate detection, acknowledgements),
   * so only their protocol form is taken: {@code 0x} and 64 lower-case hex digits, as every dm3
   * client writes a sha256. Anything else (a 60,000-character "hash", say) would be stored, indexed
   * and asked back in acknowledgements at the sender's whim.
   */
  private static void requireHashFormat(String hash, String field) {
    if (hash != null && !Hex.isLowerPrefixed(hash, 32)) {
      throw new SubmitRejectedException(
          SubmitRejectedException.Reason.INVALID_SCHEMA,
          "invalid schema: " + field + " must be 0x followed by 64 lower-case hex digits");
    }
  }

  /** The npm 1.7.1 layout's {@code encryptedMessageHash}: sha256hex(stringify(envelope.message)). */
  public static String encryptedMessageHash(String envelopeMessage) {
    return dev.dm3relay.protocol.crypto.Hashes.sha256Hex(Json.quote(envelopeMessage));
  }

  private DeliveryInformation openDeliveryInformation(String encrypted) {
    byte[] plaintext;
    try {
      EncryptedPayload payload = EncryptedPayload.parse(encrypted, "metadata.deliveryInformation");
      plaintext = AsymmetricEncryption.decrypt(identity.encryption(), toSealed(payload));
    } catch (SchemaException | DecryptionException | IllegalArgumentException e) {
      throw new SubmitRejectedException(
          SubmitRejectedException.Reason.CANNOT_DECRYPT,
          "deliveryInformation cannot be decrypted with this delivery service's key");
    }
    try {
      return DeliveryInformation.fromJson(Json.parse(new String(plaintext, StandardCharsets.UTF_8)), "deliveryInformation");
    } catch (SchemaException | MalformedJsonException e) {
      throw new SubmitRejectedException(
          SubmitRejectedException.Reason.INVALID_DELIVERY_INFORMATION, "invalid deliveryInformation: " + e.getMessage());
    }
  }

  /** The postmark's message hash: EIP-191 hash of stringify(envelope.message), the quoted string. */
  public static String postmarkMessageHash(String envelopeMessage) {
    return Hex.prefixed(Ethereum.eip191Hash(Json.quote(envelopeMessage)));
  }

  /** Builds and signs the postmark for {@code envelopeMessage} received at {@code incomingTimestampMs}. */
  public Postmark postmark(String envelopeMessage, long incomingTimestampMs) {
    return postmarkOfQuoted(Json.quote(envelopeMessage), incomingTimestampMs);
  }

  private Postmark postmarkOfQuoted(String quotedMessage, long incomingTimestampMs) {
    String messageHash = Hex.prefixed(Ethereum.eip191Hash(quotedMessage));
    byte[] signedText = Postmark.signedText(messageHash, incomingTimestampMs).getBytes(StandardCharsets.US_ASCII);
    String signature = Base64.getEncoder().encodeToString(Ed25519.sign(identity.signing().privateKey(), signedText));
    return new Postmark(messageHash, incomingTimestampMs, signature);
  }

  /** The postmark encrypted for the receiver: the string stored in {@code envelope.postmark}. */
  public String sealPostmark(Postmark postmark, byte[] receiverEncryptionKey) {
    SealedPayload sealed =
        AsymmetricEncryption.encrypt(
            receiverEncryptionKey, postmark.canonical().getBytes(StandardCharsets.UTF_8), ephemeralKeys);
    return fromSealed(sealed).canonical();
  }

  /**
   * The envelope as it is buffered and delivered: routing data opened, postmark added (§5.2). The
   * postmark's key comes from the profile the receiver registered at this service.
   */
  public EncryptionEnvelope stamp(OpenedEnvelope opened, long incomingTimestampMs, byte[] receiverEncryptionKey) {
    Postmark postmark = postmarkOfQuoted(opened.quotedMessage(), incomingTimestampMs);
    return opened.envelope().delivered(opened.deliveryInformation(), sealPostmark(postmark, receiverEncryptionKey));
  }

  /** Decodes a JSON payload into bytes; malformed base64 or hex is an {@link IllegalArgumentException}. */
  public static SealedPayload toSealed(EncryptedPayload payload) {
    if (payload.ephemPublicKey() == null) {
      throw new IllegalArgumentException("ephemPublicKey is missing");
    }
    return SealedPayload.fromEncoded(payload.ciphertext(), payload.ephemPublicKey(), payload.nonce());
  }

  public static EncryptedPayload fromSealed(SealedPayload sealed) {
    Base64.Encoder b64 = Base64.getEncoder();
    return new EncryptedPayload(
        b64.encodeToString(sealed.ciphertext()),
        sealed.ephemPublicKey() == null ? null : b64.encodeToString(sealed.ephemPublicKey()),
        Hex.prefixed(sealed.nonce()));
  }

  /** Opens a payload sealed for {@code recipient} (what a receiving client does with the postmark). */
  public static String decryptToText(KeyPair recipient, String payloadJson) {
    EncryptedPayload payload = EncryptedPayload.parse(payloadJson, "payload");
    return new String(AsymmetricEncryption.decrypt(recipient, toSealed(payload)), StandardCharsets.UTF_8);
  }
}
