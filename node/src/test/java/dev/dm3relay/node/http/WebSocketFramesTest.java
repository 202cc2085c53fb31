package dev.dm3relay.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class WebSocketFramesTest {

  /** A frame with a payload of {@code length} bytes, masked as a client's are or not. */
  private static byte[] frame(boolean fin, int opcode, int length, boolean masked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opcode);
    int mask = masked ? 0x80 : 0;
    if (length < 126) {
      out.write(mask | length);
    } else if (length < 65536) {
      out.write(mask | 126);
      out.write(length >> 8);
      out.write(length);
    } else {
      out.write(mask | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (((long) length) >> shift));
      }
    }
    if (masked) {
      out.writeBytes(new byte[] {1, 2, 3, 4});
    }
    out.writeBytes(new byte[length]);
    return out.toByteArray();
  }

  private static ByteString concat(byte[]... parts) {
    ByteString all = ByteString.emptyByteString();
    for (byte[] p : parts) {
      all = all.concat(ByteString.fromArray(p));
    }
    return all;
  }

  @Test
  void aMessageOverTheLimitIsSeenFromItsHeaderAlone() {
    WebSocketFrames frames = new WebSocketFrames(1000);
    ByteString big = ByteString.fromArray(frame(true, 1, 70_000, true));
    frames.read(big.take(9), 0, false); // 2 + 7 of the 8 length bytes
    assertFalse(frames.tooLarge(), "the 64-bit length is not complete yet");
    frames.read(big.slice(9, 14), 0, false);
    assertTrue(frames.tooLarge(), "known before any payload arrived");
  }

  @Test
  void fragmentsCountTogetherAndControlFramesDoNot() {
    WebSocketFrames frames = new WebSocketFrames(1000);
    frames.read(concat(frame(false, 1, 400, true), frame(true, 9, 100, true), frame(false, 0, 400, true)), 0, false);
    assertFalse(frames.tooLarge(), "800 bytes of text so far; the ping is not counted");
    frames.read(ByteString.fromArray(frame(true, 0, 300, true)), 0, false);
    assertTrue(frames.tooLarge(), "1,100 bytes in one message");

    WebSocketFrames fresh = new WebSocketFrames(1000);
    fresh.read(concat(frame(true, 1, 900, true), frame(true, 1, 900, true), frame(true, 2, 1000, true)), 0, false);
    assertFalse(fresh.tooLarge(), "three messages, each within the limit");
  }

  @Test
  void boundariesAreFoundInsideAChunk() {
    WebSocketFrames out = new WebSocketFrames(Long.MAX_VALUE);
    byte[] first = frame(true, 1, 200, false);
    byte[] second = frame(true, 1, 70_000, false);
    ByteString both = concat(first, second);
    assertTrue(out.atBoundary());
    ByteString chunk = both.take(first.length + 50);
    int cut = out.read(chunk, 0, true);
    assertEquals(first.length, cut, "stops where the first frame ends");
    assertTrue(out.atBoundary());
    out.read(chunk, cut, false);
    assertFalse(out.atBoundary(), "inside the second frame");
    out.read(both.drop(first.length + 50), 0, false);
    assertTrue(out.atBoundary());
  }

  @Test
  void aCloseFrameCarriesItsCode() {
    ByteString close = WebSocketFrames.closeFrame(1009, "message too big");
    assertEquals(0x88, close.apply(0) & 0xff);
    assertEquals(2 + "message too big".length(), close.apply(1));
    assertEquals(1009, ((close.apply(2) & 0xff) << 8) | (close.apply(3) & 0xff));
  }
}
