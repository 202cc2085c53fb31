package dev.dm3relay.node.ens;

/**
 * The chain (the JSON-RPC endpoint) or a CCIP-read gateway could not give an answer. A stage that
 * fails with this means "try again later", never "the name does not resolve".
 */
public class ChainUnavailableException extends RuntimeException {

  public ChainUnavailableException(String message) {
    super(message);
  }

  public ChainUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
