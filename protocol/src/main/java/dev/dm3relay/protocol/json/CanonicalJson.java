package dev.dm3relay.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * dm3's canonical JSON: the output of {@code safe-stable-stringify} 2.4.3 with default options,
 * byte for byte. Keys are sorted by UTF-16 code units ({@link String#compareTo}), nothing is
 * indented, numbers print as JavaScript's {@code Number#toString}, and strings escape only
 * {@code "}, {@code \} and U+0000–U+001F (lower-case hex) plus lone surrogates.
 */
public final class CanonicalJson {

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final double TWO_POW_53 = 9007199254740992d;

  private CanonicalJson() {}

  public static String stringify(JsonNode node) {
    Buffer buffer = BUFFER.get();
    StringBuilder out = buffer.take();
    write(node, out);
    return out.toString();
  }

  /**
   * One StringBuilder per thread for {@link #stringify}. A fresh 256-char builder grew through
   * five copies to hold a 6 KB envelope, twice per relayed message: a fifth of the relay's
   * allocation, and with it of its GC pauses. The builder is replaced now and then: one that
   * once held a non-Latin-1 character stays UTF-16 (every later toString compresses), and one
   * that once held a huge value should not keep its memory.
   */
  private static final class Buffer {
    private static final int RENEW_AFTER_USES = 1024;
    private static final int KEEP_AT_MOST_CHARS = 256 * 1024;
    private StringBuilder builder = new StringBuilder(8192);
    private int uses;

    StringBuilder take() {
      if (++uses >= RENEW_AFTER_USES || builder.capacity() > KEEP_AT_MOST_CHARS) {
        builder = new StringBuilder(8192);
        uses = 0;
      }
      builder.setLength(0);
      return builder;
    }
  }

  private static final ThreadLocal<Buffer> BUFFER = ThreadLocal.withInitial(Buffer::new);

  /**
   * Number of UTF-8 bytes of {@link #stringify} — dm3's size of a value — counted on the tree
   * without writing the text (the relay sizes every submitted envelope; building and scanning a
   * 6 KB string for it was ~9 % of its CPU).
   */
  public static int size(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> objectSize(node);
      case ARRAY -> {
        int bytes = 2 + Math.max(0, node.size() - 1); // brackets and commas
        for (JsonNode element : node) {
          bytes += size(element);
        }
        yield bytes;
      }
      case STRING -> stringSize(node.textValue());
      case NUMBER -> jsNumber(node).length();
      case BOOLEAN -> node.booleanValue() ? 4 : 5;
      default -> 4; // null, and the Jackson-only kinds written as null
    };
  }

  private static int objectSize(JsonNode node) {
    int bytes = 2;
    int members = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      if (!member.getValue().isMissingNode()) {
        bytes += stringSize(member.getKey()) + 1 + size(member.getValue());
        members++;
      }
    }
    return bytes + Math.max(0, members - 1);
  }

  /** UTF-8 bytes of {@link #writeString}'s output for {@code s}: the quotes, escapes and text. */
  static int stringSize(String s) {
    int bytes = 2;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == '"' || c == '\\') {
          bytes += 2;
        } else if (c < 0x20) {
          bytes += controlEscape(c).length();
        } else {
          bytes += 1;
        }
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 6; // a lone surrogate is written as a six-character escape
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** UTF-8 length of a Java string without encoding it; lone surrogates count as U+FFFD (3). */
  public static int utf8Length(CharSequence s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  public static byte[] utf8(JsonNode node) {
    return stringify(node).getBytes(StandardCharsets.UTF_8);
  }

  private static void write(JsonNode node, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> writeObject(node, out);
      case ARRAY -> {
        out.append('[');
        boolean first = true;
        for (JsonNode element : node) {
          if (!first) {
            out.append(',');
          }
          first = false;
          write(element, out);
        }
        out.append(']');
      }
      case STRING -> writeString(node.textValue(), out);
      case NUMBER -> out.append(jsNumber(node));
      case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
      case NULL -> out.append("null");
      // Jackson-only node kinds (binary, POJO, missing) never come out of JSON text; they stand
      // for JavaScript's undefined, which stringify drops from objects and turns into null in arrays.
      default -> out.append("null");
    }
  }

  private static void writeObject(JsonNode node, StringBuilder out) {
    List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.size());
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      if (!member.getValue().isMissingNode()) {
        members.add(member);
      }
    }
    members.sort(Map.Entry.comparingByKey());
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, JsonNode> member : members) {
      if (!first) {
        out.append(',');
      }
      first = false;
      writeString(member.getKey(), out);
      out.append(':');
      write(member.getValue(), out);
    }
    out.append('}');
  }

  static void writeString(String s, StringBuilder out) {
    out.append('"');
    int runStart = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
        continue;
      }
      String escape = null;
      if (c == '"') {
        escape = "\\\"";
      } else if (c == '\\') {
        escape = "\\\\";
      } else if (c < 0x20) {
        escape = controlEscape(c);
      } else {
        boolean paired =
            Character.isHighSurrogate(c)
                ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        if (!paired) {
          escape = unicodeEscape(c);
        }
      }
      if (escape != null) {
        appendRun(s, runStart, i, out);
        out.append(escape);
        runStart = i + 1;
      }
    }
    appendRun(s, runStart, s.length(), out);
    out.append('"');
  }

  /**
   * Appends {@code s[from, to)}. Java 17's {@code StringBuilder.append(CharSequence, int, int)}
   * copies char by char (it showed up as the relay's hottest frame); appending a String copies the
   * array at once, so whole strings go in directly and runs as substrings.
   */
  private static void appendRun(String s, int from, int to, StringBuilder out) {
    if (from == 0 && to == s.length()) {
      out.append(s);
    } else if (to > from) {
      out.append(s.substring(from, to));
    }
  }

  private static String controlEscape(char c) {
    return switch (c) {
      case '\b' -> "\\b";
      case '\t' -> "\\t";
      case '\n' -> "\\n";
      case '\f' -> "\\f";
      case '\r' -> "\\r";
      default -> unicodeEscape(c);
    };
  }

  private static String unicodeEscape(char c) {
    return new String(
        new char[] {
          '\\', 'u', HEX[(c >> 12) & 0xf], HEX[(c >> 8) & 0xf], HEX[(c >> 4) & 0xf], HEX[c & 0xf]
        });
  }

  private static String jsNumber(JsonNode node) {
    if (node.canConvertToLong() && node.isIntegralNumber()) {
      long v = node.longValue();
      if (Math.abs(v) <= (long) TWO_POW_53) {
        return Long.toString(v);
      }
    }
    // JSON.parse reads every number as a double; go through the decimal text so that the
    // rounding is Java's correctly rounded parse, not Jackson's own conversion.
    return jsNumber(Double.parseDouble(node.decimalValue().toString()));
  }

  /** JavaScript's {@code Number.prototype.toString()} for a double (ECMA-262 Number::toString). */
  public static String jsNumber(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "null"; // what JSON.stringify writes for them
    }
    if (d == 0) {
      return "0"; // also -0
    }
    if (d == Math.rint(d) && Math.abs(d) < TWO_POW_53) {
      return Long.toString((long) d);
    }
    BigDecimal shortest = shortestRoundTrip(d);
    String digits = shortest.unscaledValue().abs().toString();
    int k = digits.length();
    // value = digits × 10^(n−k)
    int n = k - shortest.scale();
    StringBuilder out = new StringBuilder(32);
    if (d < 0) {
      out.append('-');
    }
    if (k <= n && n <= 21) {
      out.append(digits);
      out.append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      int e = n - 1;
      out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return out.toString();
  }

  /**
   * The decimal with the fewest significant digits that parses back to {@code d}; among those the
   * closest to {@code d}. Java 17's {@code Double.toString} is not always shortest (JDK-4511638), so
   * the search is done here.
   */
  private static BigDecimal shortestRoundTrip(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int p = 1; p <= 17; p++) {
      BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (Double.parseDouble(nearest.toString()) == d) {
        return nearest.stripTrailingZeros();
      }
      // At a power of two the round-trip interval is lopsided: the neighbour on the wide side
      // can round-trip when the nearest candidate does not.
      for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
        BigDecimal candidate = exact.round(new MathContext(p, mode));
        if (Double.parseDouble(candidate.toString()) == d) {
          return candidate.stripTrailingZeros();
        }
      }
    }
    return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
  }
}
