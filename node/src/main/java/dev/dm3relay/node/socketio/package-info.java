/**
 * Live delivery: the Socket.IO v4 endpoint dm3 messengers connect to, served by Pekko HTTP's
 * WebSocket support at {@code /socket.io/} on the relay's HTTP port (§4.5 of the protocol digest).
 *
 * <p>Pieces: {@link dev.dm3relay.node.socketio.SocketIoRoute} (the route), {@link
 * dev.dm3relay.node.live.LiveConnections} (who is connected here, and {@code push}), {@link
 * dev.dm3relay.node.live.SocketAuthenticator} and {@link dev.dm3relay.node.live.ClientEventHandler}
 * (what the rest of the relay plugs in), and {@link dev.dm3relay.node.socketio.LiveConfig}.
 *
 * <p>Wire scope, and why: Engine.IO protocol 4 over the WebSocket transport only, since dm3
 * messengers pass {@code transports:['websocket']} (a polling request gets Engine.IO's 400 JSON
 * error); Socket.IO protocol 5 on the default namespace only; JSON packets only, since dm3 sends no
 * binary attachments. Anything malformed closes that one socket.
 */
package dev.dm3relay.node.socketio;
