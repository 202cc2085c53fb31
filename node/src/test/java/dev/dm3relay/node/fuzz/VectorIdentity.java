package dev.dm3relay.node.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The delivery service of the interop vectors (keys made for the vectors, public in the repo), so
 * that the corpus's envelopes, encrypted for it, are opened by the fuzzed code and not refused at
 * the first decryption.
 */
final class VectorIdentity {

  private VectorIdentity() {}

  static final DeliveryServiceIdentity IDENTITY = load();

  private static DeliveryServiceIdentity load() {
    Path vectors = Path.of("..", "protocol", "src", "test", "resources", "vectors", "dm3-vectors.json");
    try {
      JsonNode env = Json.parse(Files.readString(vectors)).path("deliveryService").path("env");
      return DeliveryServiceIdentity.fromBase64(
          env.path("SIGNING_PUBLIC_KEY").asText(),
          env.path("SIGNING_PRIVATE_KEY").asText(),
          env.path("ENCRYPTION_PUBLIC_KEY").asText(),
          env.path("ENCRYPTION_PRIVATE_KEY").asText());
    } catch (IOException e) {
      throw new UncheckedIOException("the fuzz tests run from node/ and read " + vectors, e);
    }
  }
}
