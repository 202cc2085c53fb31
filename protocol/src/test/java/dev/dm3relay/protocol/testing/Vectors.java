package dev.dm3relay.protocol.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The interop vectors generated with the published dm3 client libraries (copied from
 * shared/vectors; see src/test/resources/vectors/README.md). Read with a plain mapper: every string
 * in the file is already unescaped text to compare byte for byte.
 */
public final class Vectors {
  private static final JsonNode ROOT = load();

  private Vectors() {}

  public static JsonNode root() {
    return ROOT;
  }

  public static JsonNode at(String pointer) {
    JsonNode node = ROOT.at(pointer);
    if (node.isMissingNode()) {
      throw new IllegalArgumentException("no vector at " + pointer);
    }
    return node;
  }

  public static List<JsonNode> list(String pointer) {
    List<JsonNode> out = new ArrayList<>();
    at(pointer).forEach(out::add);
    if (out.isEmpty()) {
      throw new IllegalStateException("vector list " + pointer + " is empty");
    }
    return out;
  }

  private static JsonNode load() {
    try (InputStream in = Vectors.class.getResourceAsStream("/vectors/dm3-vectors.json")) {
      if (in == null) {
        throw new IllegalStateException("vectors/dm3-vectors.json is not on the test classpath");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
