package dev.dm3relay.node.live;

/** What {@link LiveConnections} needs of a connected socket. */
interface LiveSocket {

  /**
   * Queues one encoded Socket.IO packet for the client.
   *
   * @return false when the socket is closed or was just dropped because the client is too slow
   */
  boolean send(String socketIoPacket);
}
