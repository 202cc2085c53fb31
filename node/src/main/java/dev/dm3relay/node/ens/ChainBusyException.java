package dev.dm3relay.node.ens;

/**
 * The node's own limit refused a call to the chain (its RPC bulkhead is full): a statement about
 * this node's load right now, not about a name, so a lookup that fails with it is not cached.
 */
public final class ChainBusyException extends ChainUnavailableException {

  public ChainBusyException(String message) {
    super(message);
  }
}
