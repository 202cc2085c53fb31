package dev.dm3relay.node.live;

/** What {@link LiveConnections} needs of a connected socket. */
public interface LiveSocket {

  /**
   * Queues one Engine.IO frame for the client. The same String goes to every socket of an account
   * (one copy in memory however many sockets wait for it), so it is never changed here.
   *
   * @return false when the socket is closed or was just dropped because the client is too slow
   */
  boolean sendFrame(String engineFrame);

  /** Ends the socket from the server's side: a Socket.IO DISCONNECT, then the transport closes. */
  void disconnect(String reason);
}
