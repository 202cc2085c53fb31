package dev.dm3relay.node.live;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * Receives the events an authenticated client emits, such as {@code submitMessage}.
 *
 * <p>Return values:
 *
 * <ul>
 *   <li>a JSON value: it becomes the single argument of the acknowledgement when the client asked
 *       for one (e.g. {@code {"response":"success"}} or {@code {"error":"invalid schema"}});
 *   <li>{@link com.fasterxml.jackson.databind.node.MissingNode}: acknowledge with no argument;
 *   <li>{@code null} (as the stage's value, or instead of a stage): the event is not one this relay
 *       knows. It is dropped and no acknowledgement is sent, as a Socket.IO server does for an
 *       event without a listener.
 * </ul>
 *
 * A stage that fails or does not complete within the configured event timeout is answered with
 * {@code {"error":"internal error"}}; nothing about the failure reaches the client.
 */
@FunctionalInterface
public interface ClientEventHandler {

  /**
   * @param account the key the {@link SocketAuthenticator} returned for this socket
   * @param client the socket's client address (as {@code RateLimits} keys it)
   * @param event the event name (the first element of the Socket.IO EVENT array)
   * @param payload the first argument after the name, or {@link
   *     com.fasterxml.jackson.databind.node.MissingNode} when the client sent none; further
   *     arguments are ignored (dm3 clients send one)
   */
  CompletionStage<JsonNode> onEvent(String account, String client, String event, JsonNode payload);
}
