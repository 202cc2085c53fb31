package dev.dm3relay.node.api;

import dev.dm3relay.node.core.ErrorCode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dm3relay.protocol.json.Json;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Every response body the API writes. Errors are always JSON: where the reference answers an
 * empty or plain-text body we answer a JSON-RPC error object; where it answers JSON we keep its
 * members (reference clients may read them) and add {@code code}.
 */
public final class Responses {

  private Responses() {}

  public static HttpResponse json(StatusCode status, String json) {
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json));
  }

  public static HttpResponse ok(String json) {
    return json(StatusCodes.OK, json);
  }

  /** A JSON string as the whole body: how the reference returns tokens and challenges. */
  public static HttpResponse jsonString(String value) {
    return ok(Json.quote(value));
  }

  public static HttpResponse text(StatusCode status, String text) {
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, text));
  }

  /** {@code {"jsonrpc":"2.0","error":{"code":…,"message":…}}}. */
  public static HttpResponse error(StatusCode status, ErrorCode code, String message) {
    ObjectNode body = Json.newObject();
    body.put("jsonrpc", "2.0");
    ObjectNode error = body.putObject("error");
    error.put("code", code.code());
    error.put("message", message);
    return json(status, body.toString());
  }

  /** The reference's own JSON error body (e.g. {@code {"error":"invalid schema"}}) plus our code and detail. */
  public static HttpResponse referenceError(StatusCode status, ObjectNode referenceBody, ErrorCode code, String detail) {
    ObjectNode body = referenceBody.deepCopy();
    body.put("code", code.code());
    if (detail != null && !body.has("message")) {
      body.put("message", detail);
    }
    return json(status, body.toString());
  }

  /** {@code {"error": message}} as the reference writes it, plus our code. */
  public static HttpResponse referenceError(StatusCode status, String error, ErrorCode code, String detail) {
    ObjectNode body = Json.newObject();
    body.put("error", error);
    return referenceError(status, body, code, detail);
  }

  public static HttpResponse unauthorized() {
    return error(StatusCodes.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, "Unauthorized");
  }

  /**
   * Pekko HTTP's answer when a request outlives {@code pekko.http.server.request-timeout}; its own
   * is a plain-text 503. Only a node too busy to run its own timeouts (ask-timeout) gets here.
   */
  public static HttpResponse timedOut(HttpRequest request) {
    return error(StatusCodes.SERVICE_UNAVAILABLE, ErrorCode.RESOURCE_UNAVAILABLE, "The relay did not answer in time, try again");
  }

  /**
   * For a request Pekko could not read whole (408 when its body did not arrive in time, 400 when
   * the client went away mid-body); the connection is closed with it.
   */
  public static HttpResponse unreadableRequest(int status, String summary) {
    StatusCode code = status >= 400 && status < 500 ? StatusCodes.get(status) : StatusCodes.BAD_REQUEST;
    String message = code.intValue() == 408 ? "The request did not arrive in time" : "The request could not be read: " + summary;
    return error(code, ErrorCode.INVALID_REQUEST, message)
        .addHeader(org.apache.pekko.http.javadsl.model.headers.Connection.create("close"));
  }

  public static HttpResponse unavailable(String what) {
    return error(StatusCodes.SERVICE_UNAVAILABLE, ErrorCode.RESOURCE_UNAVAILABLE, what + " is unavailable, try again");
  }
}
