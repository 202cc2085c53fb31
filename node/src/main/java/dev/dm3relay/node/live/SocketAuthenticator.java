package dev.dm3relay.node.live;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a Socket.IO handshake may join the default namespace, and for which account.
 *
 * <p>dm3 messengers send {@code {"account":{"ensName":<name>},"token":<auth JWT>}}; the relay's
 * implementation checks the token for that name (§4.4 checkToken) and resolves the mailbox key.
 */
@FunctionalInterface
public interface SocketAuthenticator {

  /**
   * A socket's account, and until when it may stay connected (the end of its token's lifetime:
   * the socket is disconnected then, as a request with that token would be refused).
   *
   * @param account the key the socket is registered under (the same key later given to {@link
   *     LiveConnections#push})
   */
  record Authorized(String account, long expiresAtEpochSeconds) {}

  /**
   * @param authPayload the handshake's auth object exactly as the client sent it; an empty object
   *     when the client sent none (as {@code socket.handshake.auth} is in the reference). It may be
   *     any JSON value, so implementations must not assume its shape.
   * @return the authorization, or empty to refuse the socket. A failed stage, or one that does not
   *     complete within the connect timeout, refuses the socket too.
   */
  CompletionStage<Optional<Authorized>> authenticate(JsonNode authPayload);
}
