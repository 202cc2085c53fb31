package dev.dm3relay.node.core;

/**
 * JSON-RPC and dm3 application error codes (dm3 spec, message transport). Our error bodies carry
 * them so that clients which read bodies learn more than the reference's bare status code.
 */
public enum ErrorCode {
  PARSE_ERROR(-32700),
  INVALID_REQUEST(-32600),
  METHOD_NOT_FOUND(-32601),
  INVALID_PARAMS(-32602),
  INTERNAL_ERROR(-32603),
  INVALID_INPUT(-32000),
  RESOURCE_NOT_FOUND(-32001),
  RESOURCE_UNAVAILABLE(-32002),
  UNAUTHORIZED(-32003),
  METHOD_NOT_SUPPORTED(-32004),
  LIMIT_EXCEEDED(-32005),
  SPAM(-32010),
  TOO_BIG(-32011);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
