package dev.dm3relay.protocol.testing;

import java.util.Random;

/** Random strings over a small alphabet of the characters that trip JSON and names up. */
public final class RandomText {

  private RandomText() {}

  /**
   * {@code length} picks from {@code alphabet}; a high surrogate in the alphabet stands for the
   * emoji U+1F600 (so pairs stay well-formed) and a low surrogate is skipped.
   */
  public static String of(Random random, String alphabet, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      char c = alphabet.charAt(random.nextInt(alphabet.length()));
      if (Character.isHighSurrogate(c)) {
        s.append("\uD83D\uDE00");
      } else if (!Character.isLowSurrogate(c)) {
        s.append(c);
      }
    }
    return s.toString();
  }
}
