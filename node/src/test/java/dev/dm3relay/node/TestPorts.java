package dev.dm3relay.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that other processes start later. An OS-assigned ephemeral port can be handed
 * out again as the source port of an outgoing connection (the driver's, a node's) before the child
 * binds it, so these come from below Linux's ephemeral range (32768–60999) instead.
 */
public final class TestPorts {

  private TestPorts() {}

  public static int free() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20000 + ThreadLocalRandom.current().nextInt(12000);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port below the ephemeral range");
  }
}
