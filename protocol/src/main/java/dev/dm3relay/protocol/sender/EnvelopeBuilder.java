package dev.dm3relay.protocol.sender;

import dev.dm3relay.protocol.crypto.AsymmetricEncryption;
import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.KeyPair;
import dev.dm3relay.protocol.crypto.SealedPayload;
import dev.dm3relay.protocol.delivery.DeliveryService;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.DeliveryInformation;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.model.EnvelopeMetadata;
import dev.dm3relay.protocol.model.Message;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Builds envelopes the way dm3 messengers do (§2.3): sign the message, encrypt it for the receiver,
 * encrypt the routing data for the receiver's delivery service, then sign the metadata while the
 * routing data is still the encrypted string. Used by load generators and tests; the relay itself
 * never builds envelopes.
 */
public final class EnvelopeBuilder {

  /** The current encryption scheme name, which clients put in every envelope. */
  public static final String ENCRYPTION_SCHEME = "x25519-chacha20-poly1305";

  /** Which metadata hash field to write. */
  public enum Layout {
    /** dm3 HEAD: {@code messageHash} = sha256hex(stringify(Message)). */
    HEAD,
    /** Published npm 1.7.1 libraries: {@code encryptedMessageHash} = sha256hex(stringify(envelope.message)). */
    NPM_1_7_1
  }

  /** What a sealing step uses; fresh random keys for real traffic, fixed ones to reproduce a vector. */
  @FunctionalInterface
  public interface Sealer {
    SealedPayload seal(byte[] recipientPublicKey, byte[] plaintext);

    /** Fresh ephemeral key and nonce every time, as a messenger does. */
    static Sealer random() {
      return AsymmetricEncryption::encrypt;
    }
  }

  private EnvelopeBuilder() {}

  /** The message with its Ed25519 signature over stringify(message without signature). */
  public static Message sign(Message message, byte[] senderSigningPrivateKey) {
    byte[] signature = Ed25519.sign(senderSigningPrivateKey, message.signedText().getBytes(StandardCharsets.UTF_8));
    return message.withSignature(Base64.getEncoder().encodeToString(signature));
  }

  /** The JSON text of a payload sealed for {@code recipientPublicKey}: what string fields carry. */
  public static String seal(Sealer sealer, byte[] recipientPublicKey, String plaintext) {
    return DeliveryService.fromSealed(sealer.seal(recipientPublicKey, plaintext.getBytes(StandardCharsets.UTF_8))).canonical();
  }

  /**
   * A ready-to-submit envelope.
   *
   * @param signedMessage the message, already signed by the sender
   * @param sender the sender's Ed25519 key pair (signs the metadata)
   * @param receiverEncryptionKey the receiver's X25519 public key (from their profile)
   * @param deliveryServiceEncryptionKey the receiver's delivery service's X25519 public key
   * @param messageSealer seals the message for the receiver
   * @param routingSealer seals the delivery information for the delivery service
   */
  public static EncryptionEnvelope build(
      Message signedMessage,
      Layout layout,
      KeyPair sender,
      byte[] receiverEncryptionKey,
      byte[] deliveryServiceEncryptionKey,
      Sealer messageSealer,
      Sealer routingSealer) {
    String message = seal(messageSealer, receiverEncryptionKey, signedMessage.canonical());
    DeliveryInformation routing = new DeliveryInformation(signedMessage.metadata().to(), signedMessage.metadata().from());
    String encryptedRouting = seal(routingSealer, deliveryServiceEncryptionKey, routing.canonical());
    String messageHash = layout == Layout.HEAD ? signedMessage.messageHash() : null;
    String encryptedMessageHash = layout == Layout.NPM_1_7_1 ? Hashes.sha256Hex(Json.quote(message)) : null;
    EnvelopeMetadata unsigned =
        new EnvelopeMetadata("v1", ENCRYPTION_SCHEME, encryptedRouting, null, messageHash, encryptedMessageHash, "", null);
    String signature =
        Base64.getEncoder()
            .encodeToString(Ed25519.sign(sender.privateKey(), unsigned.signedText().getBytes(StandardCharsets.UTF_8)));
    EnvelopeMetadata metadata =
        new EnvelopeMetadata("v1", ENCRYPTION_SCHEME, encryptedRouting, null, messageHash, encryptedMessageHash, signature, null);
    return new EncryptionEnvelope(message, metadata, null, null);
  }

  /**
   * A plain NEW text message from {@code fromName} to {@code toName}, signed, sealed with fresh
   * keys and in the HEAD layout: what a messenger sends for an ordinary chat line.
   */
  public static EncryptionEnvelope textMessage(
      String fromName,
      String toName,
      String text,
      long timestampMs,
      KeyPair sender,
      byte[] receiverEncryptionKey,
      byte[] deliveryServiceEncryptionKey) {
    Message signed =
        sign(
            new Message(text, new Message.Metadata(toName, fromName, timestampMs, dev.dm3relay.protocol.model.MessageType.NEW, null, null), null, ""),
            sender.privateKey());
    return build(
        signed, Layout.HEAD, sender, receiverEncryptionKey, deliveryServiceEncryptionKey, Sealer.random(), Sealer.random());
  }

  /** The JSON-RPC request body a messenger posts to {@code /rpc}: params[0] is the envelope as a string. */
  public static String submitRequest(EncryptionEnvelope envelope) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"dm3_submitMessage\",\"params\":[" + Json.quote(envelope.canonical()) + "]}";
  }
}
