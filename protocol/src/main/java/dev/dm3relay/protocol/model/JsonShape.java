package dev.dm3relay.protocol.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.CanonicalJson;

/** A dm3 structure that has one JSON form. */
public interface JsonShape {

  /** A fresh JSON tree of this structure (callers may modify it). */
  ObjectNode toJson();

  /** {@code stringify(this)}: the canonical JSON text that dm3 hashes, signs and measures. */
  default String canonical() {
    return CanonicalJson.stringify(toJson());
  }
}
