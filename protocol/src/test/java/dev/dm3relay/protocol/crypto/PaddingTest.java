package dev.dm3relay.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** §3.3 padding, against the vectors' length table and sodium_unpad's rules. */
class PaddingTest {

  @Test
  void lengthTableOfTheVectors() {
    for (JsonNode row : Vectors.list(Vectors.ROOT.path("encryption").path("padding"))) {
      int length = row.required("plaintextUtf8Length").asInt();
      byte[] plaintext = new byte[length];
      new Random(length).nextBytes(plaintext);
      byte[] padded = Padding.pad2048(plaintext);
      assertEquals(row.required("paddedLength").asInt(), padded.length, "length " + length);
      assertArrayEquals(plaintext, Arrays.copyOf(padded, length));
      assertEquals((byte) 0x80, padded[length]);
      for (int i = length + 1; i < padded.length; i++) {
        assertEquals(0, padded[i]);
      }
      assertArrayEquals(plaintext, Padding.unpad2048(padded));
    }
  }

  @Test
  void unpadKeepsTrailingZerosOfThePlaintext() {
    byte[] plaintext = {1, 0, 0, (byte) 0x80, 0};
    assertArrayEquals(plaintext, Padding.unpad2048(Padding.pad2048(plaintext)));
  }

  @Test
  void unpadRejectsBadPadding() {
    assertThrows(IllegalArgumentException.class, () -> Padding.unpad2048(new byte[2048]), "no marker");
    byte[] noZeroRun = new byte[2048];
    Arrays.fill(noZeroRun, (byte) 1);
    assertThrows(IllegalArgumentException.class, () -> Padding.unpad2048(noZeroRun), "last byte not zero or marker");
    byte[] junkAfterMarker = Padding.pad2048(new byte[10]);
    junkAfterMarker[2000] = 7;
    assertThrows(IllegalArgumentException.class, () -> Padding.unpad2048(junkAfterMarker));
    byte[] markerTooFarBack = new byte[4096];
    markerTooFarBack[100] = (byte) 0x80;
    assertThrows(IllegalArgumentException.class, () -> Padding.unpad2048(markerTooFarBack), "sodium_unpad looks in the last block only");
    byte[] shortInput = new byte[2047];
    shortInput[0] = (byte) 0x80;
    assertThrows(IllegalArgumentException.class, () -> Padding.unpad2048(shortInput));
  }

  @Test
  void markerAsTheVeryLastByte() {
    byte[] padded = new byte[2048];
    Arrays.fill(padded, (byte) 'a');
    padded[2047] = (byte) 0x80;
    assertEquals(2047, Padding.unpad2048(padded).length);
  }
}
