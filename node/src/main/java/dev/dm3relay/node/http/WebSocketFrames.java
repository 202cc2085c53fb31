package dev.dm3relay.node.http;

import org.apache.pekko.util.ByteString;

/**
 * Follows RFC 6455 frame boundaries in a byte stream without buffering it: it reads each frame's
 * header (FIN, opcode, mask bit, 7/16/64-bit payload length, masking key) and skips the payload.
 * The connection guard runs one per direction after an upgrade: inbound, to see a message's length
 * before any of it is read (and refuse one over the limit with 1009); outbound, to know where one
 * frame ends so that a close frame can go between two.
 */
final class WebSocketFrames {

  private final long maxMessageBytes;

  /** Header bytes of the frame being read, up to 14 (2 + 8 length + 4 mask). */
  private final byte[] header = new byte[14];

  private int headerRead;
  private long payloadLeft;
  /** Payload bytes of the data message being read so far (over its continuation frames). */
  private long messageBytes;

  private boolean tooLarge;

  /** @param maxMessageBytes the largest data message allowed; Long.MAX_VALUE for no limit */
  WebSocketFrames(long maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Whether the stream stands between two frames (nothing of a frame read yet). */
  boolean atBoundary() {
    return headerRead == 0 && payloadLeft == 0;
  }

  /** Whether a data message longer than the limit has been announced. */
  boolean tooLarge() {
    return tooLarge;
  }

  /**
   * Reads {@code bytes} from {@code offset} on, stopping early at the first frame boundary when
   * {@code stopAtBoundary} is set (and some byte was read).
   *
   * @return the index after the last byte read
   */
  int read(ByteString bytes, int offset, boolean stopAtBoundary) {
    int i = offset;
    int end = bytes.size();
    while (i < end) {
      if (payloadLeft > 0) {
        long take = Math.min(payloadLeft, end - i);
        payloadLeft -= take;
        i += (int) take;
      } else {
        header[headerRead++] = bytes.apply(i++);
        int needed = headerLength();
        if (needed < 0 || headerRead < needed) {
          continue;
        }
        onHeader();
        headerRead = 0;
      }
      if (stopAtBoundary && atBoundary()) {
        return i;
      }
    }
    return i;
  }

  /** Bytes of the current header, or -1 while too few are there to tell. */
  private int headerLength() {
    if (headerRead < 2) {
      return -1;
    }
    int length7 = header[1] & 0x7f;
    boolean masked = (header[1] & 0x80) != 0;
    int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    return 2 + lengthBytes + (masked ? 4 : 0);
  }

  private void onHeader() {
    boolean fin = (header[0] & 0x80) != 0;
    int opcode = header[0] & 0x0f;
    int length7 = header[1] & 0x7f;
    long length;
    if (length7 == 126) {
      length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
    } else if (length7 == 127) {
      length = 0;
      for (int b = 2; b < 10; b++) {
        length = (length << 8) | (header[b] & 0xffL);
      }
      if (length < 0) {
        length = Long.MAX_VALUE; // the top bit must be zero; treat as endless
      }
    } else {
      length = length7;
    }
    payloadLeft = length;
    boolean control = (opcode & 0x08) != 0;
    if (!control) {
      if (opcode != 0) {
        messageBytes = 0; // a new text or binary message starts
      }
      messageBytes = saturatingAdd(messageBytes, length);
      if (messageBytes > maxMessageBytes) {
        tooLarge = true;
      }
      if (fin) {
        messageBytes = 0;
      }
    }
  }

  private static long saturatingAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** A server's close frame (unmasked) with a status code and a short reason. */
  static ByteString closeFrame(int code, String reason) {
    byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int length = Math.min(123, text.length) + 2;
    byte[] frame = new byte[2 + length];
    frame[0] = (byte) 0x88;
    frame[1] = (byte) length;
    frame[2] = (byte) (code >> 8);
    frame[3] = (byte) code;
    System.arraycopy(text, 0, frame, 4, length - 2);
    return ByteString.fromArray(frame);
  }
}
