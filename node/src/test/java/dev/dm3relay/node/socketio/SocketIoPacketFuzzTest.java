package dev.dm3relay.node.socketio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any text as a Socket.IO packet inside an Engine.IO message frame: decoded, or refused as {@link
 * SocketIoPacket.MalformedPacketException} (the session closes such a socket). Anything else
 * escaping would end the socket's stream with an error instead of a close.
 */
public class SocketIoPacketFuzzTest {

  @FuzzTest
  void packet(byte[] input) {
    fuzzerTestOneInput(input);
  }

  public static void fuzzerTestOneInput(byte[] input) {
    try {
      SocketIoPacket packet = SocketIoPacket.decode(new String(input, StandardCharsets.UTF_8));
      if (packet.type() == SocketIoPacket.EVENT) { // what the session reads of an EVENT
        packet.firstArgument();
        packet.wantsAck();
      }
    } catch (SocketIoPacket.MalformedPacketException expected) {
      // the contract
    }
  }
}
