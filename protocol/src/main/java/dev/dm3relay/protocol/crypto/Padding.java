package dev.dm3relay.protocol.crypto;

import java.util.Arrays;

/**
 * dm3's plaintext padding (§3.3): libsodium {@code sodium_pad}/{@code sodium_unpad} with a 2048-byte
 * block, i.e. ISO/IEC 7816-4. Hides message lengths up to the block size.
 */
public final class Padding {

  public static final int BLOCK_SIZE = 2048;

  private static final byte MARKER = (byte) 0x80;

  private Padding() {}

  /** Appends 0x80 and then zeros up to the next multiple of 2048; always adds at least one byte. */
  public static byte[] pad2048(byte[] plaintext) {
    int paddedLength = (plaintext.length / BLOCK_SIZE + 1) * BLOCK_SIZE;
    byte[] padded = Arrays.copyOf(plaintext, paddedLength);
    padded[plaintext.length] = MARKER;
    return padded;
  }

  /**
   * Strips the padding. Like {@code sodium_unpad}, the 0x80 marker must lie in the last block and
   * be followed by zeros only.
   *
   * @throws IllegalArgumentException when {@code padded} is shorter than a block or badly padded
   */
  public static byte[] unpad2048(byte[] padded) {
    if (padded.length < BLOCK_SIZE) {
      throw new IllegalArgumentException(
          "padded plaintext is " + padded.length + " bytes, less than one " + BLOCK_SIZE + "-byte block");
    }
    int lastBlockStart = padded.length - BLOCK_SIZE;
    int i = padded.length - 1;
    while (i >= lastBlockStart && padded[i] == 0) {
      i--;
    }
    if (i < lastBlockStart || padded[i] != MARKER) {
      throw new IllegalArgumentException("bad padding: no 0x80 marker before the trailing zeros");
    }
    return Arrays.copyOf(padded, i);
  }
}
