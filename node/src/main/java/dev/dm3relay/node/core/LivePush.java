package dev.dm3relay.node.core;

/**
 * Hands a freshly buffered envelope to the receiver's live connections, wherever they are. Best
 * effort: the envelope is already durable, so a lost push only means the client fetches it later.
 */
@FunctionalInterface
public interface LivePush {

  /** Pushes the stored envelope (its canonical JSON) to every live socket of {@code address}. */
  void push(String address, String storedEnvelopeJson);

  LivePush NONE = (address, json) -> {};
}
