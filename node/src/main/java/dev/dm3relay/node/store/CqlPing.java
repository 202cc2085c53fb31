package dev.dm3relay.node.store;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Asks a CQL native-transport port whether a Cassandra is really serving there.
 *
 * <p>An open TCP port alone is not enough: Cassandra binds it late in its start and another program
 * may own the port. So this sends a protocol v4 OPTIONS frame and expects a SUPPORTED frame back,
 * without pulling the driver (and its start-up cost) into a liveness check.
 */
public final class CqlPing {

  private static final byte PROTOCOL_V4_REQUEST = 0x04;
  private static final byte PROTOCOL_V4_RESPONSE = (byte) 0x84;
  private static final byte OPCODE_OPTIONS = 0x05;
  private static final byte OPCODE_SUPPORTED = 0x06;

  private CqlPing() {}

  /** True when a CQL server answers OPTIONS on host:port within the timeout. */
  public static boolean answers(String host, int port, Duration timeout) {
    int millis = (int) Math.max(1, timeout.toMillis());
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      // header: version, flags, stream id (2 bytes), opcode, body length (4 bytes) = 0
      out.write(new byte[] {PROTOCOL_V4_REQUEST, 0, 0, 1, OPCODE_OPTIONS, 0, 0, 0, 0});
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] header = new byte[9];
      in.readFully(header);
      return header[0] == PROTOCOL_V4_RESPONSE && header[4] == OPCODE_SUPPORTED;
    } catch (IOException e) {
      return false;
    }
  }
}
