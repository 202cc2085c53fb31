package dev.dm3relay.protocol.crypto;

/** {@code 0x}-prefixed lower-case hex, as ethers' {@code hexlify} writes it. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** {@code 0x} followed by two lower-case hex digits per byte. */
  public static String prefixed(byte[] bytes) {
    char[] out = new char[2 + bytes.length * 2];
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < bytes.length; i++) {
      out[2 + 2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[3 + 2 * i] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** Hex digits without a prefix. */
  public static String plain(byte[] bytes) {
    return prefixed(bytes).substring(2);
  }

  /**
   * Decodes hex with or without a {@code 0x} prefix, in either case. Only the ASCII digits and
   * letters count, as in ethers: {@code Character.digit} would also take other scripts' digits
   * (U+0663 ARABIC-INDIC THREE for {@code 3}), which JavaScript clients then fail on.
   *
   * @throws IllegalArgumentException when the text is not an even number of hex digits
   */
  public static byte[] decode(String text) {
    String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if (digits.length() % 2 != 0) {
      throw new IllegalArgumentException("hex has an odd number of digits");
    }
    byte[] out = new byte[digits.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = digit(digits.charAt(2 * i));
      int lo = digit(digits.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("not a hex digit at position " + (2 * i));
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** The value of an ASCII hex digit, or -1. */
  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Whether {@code text} is {@code 0x} followed by exactly {@code bytes} bytes of lower-case hex. */
  public static boolean isLowerPrefixed(String text, int bytes) {
    if (text == null || text.length() != 2 + 2 * bytes || !text.startsWith("0x")) {
      return false;
    }
    for (int i = 2; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
