package dev.dm3relay.node.api;

import dev.dm3relay.node.core.ErrorCode;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Requests too malformed to reach the routes (a broken request line or header, an oversized
 * header) get the same JSON error body as everything else instead of Pekko's plain text.
 * Configured as {@code pekko.http.server.parsing.error-handler}.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("Unparseable request: {}", info.formatPretty());
    // An unknown HTTP method is the client's mistake: 405, not Pekko's 501. So is a mangled
    // protocol version ("HTTP/1.\u0000"): 400, not 505 — no 5xx answers what a client sent.
    int code = status.intValue() == 501 ? 405 : status.intValue() == 505 ? 400 : status.intValue();
    ErrorCode errorCode = code == 413 || code == 431 ? ErrorCode.TOO_BIG : ErrorCode.INVALID_REQUEST;
    // The summary names the problem without echoing request bytes back.
    return Responses.error(StatusCodes.get(code), errorCode, StatusCodes.get(code).reason() + ": " + info.summary());
  }
}
