package dev.dm3relay.protocol.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The shared interop vectors, /vectors/dm3-vectors.json on the test classpath. */
final class Vectors {

  static final JsonNode ROOT = load();

  private Vectors() {}

  private static JsonNode load() {
    try (InputStream in = Vectors.class.getResourceAsStream("/vectors/dm3-vectors.json")) {
      if (in == null) {
        throw new IllegalStateException("/vectors/dm3-vectors.json is not on the test classpath");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode wallet(String name) {
    return ROOT.path("keys").path("wallets").required(name);
  }

  static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    if (out.isEmpty()) {
      throw new IllegalStateException("vector list is empty: the test would prove nothing");
    }
    return out;
  }

  static List<JsonNode> envelopeCases() {
    return list(ROOT.path("envelopes").path("cases"));
  }

  static List<JsonNode> deterministicEncryptions() {
    return list(ROOT.path("encryption").path("deterministic"));
  }

  static String text(JsonNode node, String field) {
    return node.required(field).asText();
  }

  static byte[] b64(JsonNode node, String field) {
    return Base64.getDecoder().decode(text(node, field));
  }

  static byte[] hex(JsonNode node, String field) {
    return Hex.decode(text(node, field));
  }

  static byte[] b64(String text) {
    return Base64.getDecoder().decode(text);
  }

  static KeyPair keyPair(JsonNode node) {
    return KeyPair.fromBase64(text(node, "publicKey"), text(node, "privateKey"));
  }

  /** DS encryption key pair from deliveryService.env. */
  static KeyPair dsEncryptionKeys() {
    JsonNode env = ROOT.path("deliveryService").required("env");
    return KeyPair.fromBase64(text(env, "ENCRYPTION_PUBLIC_KEY"), text(env, "ENCRYPTION_PRIVATE_KEY"));
  }

  /** Parses an EncryptedPayload JSON text (as envelope.message carries it). */
  static SealedPayload payload(String json) {
    try {
      JsonNode node = new ObjectMapper().readTree(json);
      return SealedPayload.fromEncoded(
          node.path("ciphertext").asText(null), node.path("ephemPublicKey").asText(null), node.path("nonce").asText(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SealedPayload payload(JsonNode node) {
    return SealedPayload.fromEncoded(text(node, "ciphertext"), text(node, "ephemPublicKey"), text(node, "nonce"));
  }
}
