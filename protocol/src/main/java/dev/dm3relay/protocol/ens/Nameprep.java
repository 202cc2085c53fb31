package dev.dm3relay.protocol.ens;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ethers v5 {@code nameprep} (@ethersproject/strings 5.7.0, idna.ts), step for step.
 *
 * <p>It is IDNA2003 nameprep as ethers implements it, which is not RFC 3491 to the letter: no bidi
 * check, the hyphen rule is applied to the whole string rather than per label, and the unassigned
 * check (A.1) runs after NFKC with the platform's current Unicode, so a character added after
 * Unicode 3.2 whose NFKC form is old text is accepted (e.g. U+1D2C MODIFIER LETTER CAPITAL A
 * becomes an upper-case "A", because case folding ran before NFKC).
 */
final class Nameprep {
  private Nameprep() {}

  /** ethers skips the slow path for short ASCII-only labels; 59 is its literal limit. */
  static final int FAST_PATH_MAX_LENGTH = 59;

  private static final int[] MAPS_TO_NOTHING = {
    0x00ad, 0x034f, 0x1806, 0x180b, 0x180c, 0x180d, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff
  };

  private static final int[] UNASSIGNED = parseRanges(NameprepTables.UNASSIGNED, null);
  private static final String[] PROHIBITED_TABLE_NAMES;
  private static final int[] PROHIBITED;
  private static final Map<Integer, int[]> CASE_FOLD = parseCaseFold();

  static {
    String[][] names = new String[1][];
    PROHIBITED = parseRanges(NameprepTables.PROHIBITED, names);
    PROHIBITED_TABLE_NAMES = names[0];
  }

  static String nameprep(String value) {
    if (value.length() <= FAST_PATH_MAX_LENGTH && isLetterDigitHyphen(value)) {
      return value.toLowerCase(Locale.ROOT);
    }

    StringBuilder mapped = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (Character.isSurrogate(value.charAt(i)) && Character.charCount(cp) == 1) {
        throw new InvalidNameException(
            InvalidNameException.Reason.MALFORMED,
            cp,
            String.format("lone UTF-16 surrogate U+%04X at index %d", cp, i));
      }
      i += Character.charCount(cp);
      if (mapsToNothing(cp)) {
        continue;
      }
      int[] folded = CASE_FOLD.get(cp);
      if (folded != null) {
        for (int f : folded) {
          mapped.appendCodePoint(f);
        }
      } else {
        mapped.appendCodePoint(cp);
      }
    }

    String name = Normalizer.normalize(mapped, Normalizer.Form.NFKC);

    // ethers checks every code point against C before any against A.1; keep that order so the
    // reported reason matches for names that break both rules.
    name.codePoints()
        .forEach(
            cp -> {
              int range = findRange(PROHIBITED, cp);
              if (range >= 0) {
                throw new InvalidNameException(
                    InvalidNameException.Reason.PROHIBITED,
                    cp,
                    String.format(
                        "U+%04X is prohibited (RFC 3454 table %s)", cp, PROHIBITED_TABLE_NAMES[range]));
              }
            });
    name.codePoints()
        .forEach(
            cp -> {
              if (findRange(UNASSIGNED, cp) >= 0) {
                throw new InvalidNameException(
                    InvalidNameException.Reason.UNASSIGNED,
                    cp,
                    String.format(
                        "U+%04X is unassigned in Unicode 3.2 (RFC 3454 table A.1)", cp));
              }
            });

    // ethers compares UTF-16 substrings: [0,1), [2,4) and the last unit, of the whole name.
    int n = name.length();
    if (n >= 1 && name.charAt(0) == '-') {
      throw hyphen(name, "starts with '-'");
    }
    if (n >= 4 && name.charAt(2) == '-' && name.charAt(3) == '-') {
      throw hyphen(name, "has '--' at characters 3 and 4");
    }
    if (n >= 1 && name.charAt(n - 1) == '-') {
      throw hyphen(name, "ends with '-'");
    }
    return name;
  }

  private static InvalidNameException hyphen(String name, String what) {
    return new InvalidNameException(
        InvalidNameException.Reason.HYPHEN, -1, "invalid hyphen: name " + what + " (IDNA 4.2.3.1)");
  }

  /** ethers' {@code /^[a-z0-9-]*$/i}: ASCII only (no /u flag, so no Unicode case-insensitivity). */
  private static boolean isLetterDigitHyphen(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean mapsToNothing(int cp) {
    if (cp >= 0xfe00 && cp <= 0xfe0f) {
      return true;
    }
    return Arrays.binarySearch(MAPS_TO_NOTHING, cp) >= 0;
  }

  static boolean isUnassigned(int cp) {
    return findRange(UNASSIGNED, cp) >= 0;
  }

  static boolean isProhibited(int cp) {
    return findRange(PROHIBITED, cp) >= 0;
  }

  /** Index of the range holding {@code cp} in a sorted [start0, end0, start1, end1, ...] array. */
  private static int findRange(int[] ranges, int cp) {
    int lo = 0;
    int hi = ranges.length / 2 - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (cp < ranges[2 * mid]) {
        hi = mid - 1;
      } else if (cp > ranges[2 * mid + 1]) {
        lo = mid + 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  private static int[] parseRanges(String data, String[][] labelsOut) {
    String[] items = splitItems(data);
    int[] ranges = new int[items.length * 2];
    String[] labels = new String[items.length];
    for (int i = 0; i < items.length; i++) {
      String item = items[i];
      int slash = item.indexOf('/');
      if (slash >= 0) {
        labels[i] = item.substring(slash + 1);
        item = item.substring(0, slash);
      }
      int dash = item.indexOf('-');
      ranges[2 * i] = Integer.parseInt(dash < 0 ? item : item.substring(0, dash), 16);
      ranges[2 * i + 1] = Integer.parseInt(dash < 0 ? item : item.substring(dash + 1), 16);
    }
    if (labelsOut != null) {
      labelsOut[0] = labels;
    }
    return ranges;
  }

  private static Map<Integer, int[]> parseCaseFold() {
    Map<Integer, int[]> map = new HashMap<>(2048);
    for (String run : splitItems(NameprepTables.CASE_FOLD_RUNS)) {
      String[] f = run.split(":");
      int start = Integer.parseInt(f[0], 16);
      int count = Integer.parseInt(f[1], 16);
      int stride = Integer.parseInt(f[2], 16);
      int delta = Integer.parseInt(f[3], 16);
      for (int k = 0; k < count; k++) {
        int cp = start + k * stride;
        map.put(cp, new int[] {cp + delta});
      }
    }
    for (String entry : splitItems(NameprepTables.CASE_FOLD_MULTI)) {
      int colon = entry.indexOf(':');
      int[] targets =
          Arrays.stream(entry.substring(colon + 1).split(" "))
              .mapToInt(t -> Integer.parseInt(t, 16))
              .toArray();
      map.put(Integer.parseInt(entry.substring(0, colon), 16), targets);
    }
    return map;
  }

  private static String[] splitItems(String data) {
    return Arrays.stream(data.split(",")).filter(s -> !s.isEmpty()).toArray(String[]::new);
  }
}
