package dev.dm3relay.protocol.ens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dm3relay.protocol.crypto.Hex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Our answers against the ones ethers 5.7.2 gave (recorded in {@link EthersVectors}). */
class EthersOracleTest {

  @TestFactory
  Stream<DynamicTest> nameprepMatchesEthers() {
    return EthersVectors.NAMEPREP.stream()
        .map(c -> DynamicTest.dynamicTest(describe(c.input()), () -> check(c)));
  }

  private static void check(EthersVectors.Case c) {
    if (c.error() == null) {
      assertEquals(describe(c.expected()), describe(EnsNames.normalize(c.input())));
    } else {
      InvalidNameException e =
          assertThrows(InvalidNameException.class, () -> EnsNames.normalize(c.input()));
      assertEquals(c.error(), e.reason().name(), e.getMessage());
    }
  }

  @TestFactory
  Stream<DynamicTest> namehashAndDnsEncodeMatchEthers() {
    return EthersVectors.HASHES.stream()
        .map(
            h ->
                DynamicTest.dynamicTest(
                    describe(h.name()),
                    () -> {
                      assertEquals(h.namehash(), EnsNames.namehashHex(h.name()));
                      if (h.dnsEncoded() == null) {
                        InvalidNameException e =
                            assertThrows(
                                InvalidNameException.class, () -> EnsNames.dnsEncode(h.name()));
                        assertEquals(InvalidNameException.Reason.LABEL_TOO_LONG, e.reason());
                      } else {
                        assertArrayEquals(Hex.decode(h.dnsEncoded()), EnsNames.dnsEncode(h.name()));
                      }
                    }));
  }

  /** Every code point outside A.1 and the surrogates, in one digest, so no table entry is unchecked. */
  @Test
  void everyAssignedCodePointMatchesEthers() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff || Nameprep.isUnassigned(cp)) {
        continue;
      }
      sha.update((Integer.toHexString(cp) + ":" + outcome(cp) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(EthersVectors.CODE_POINT_DIGEST, Hex.plain(sha.digest()));
  }

  /**
   * ethers runs NFKC before the A.1 check, so some characters newer than Unicode 3.2 survive. We
   * must agree wherever the JDK knows the character; the JDK's older Unicode cannot normalise the
   * rest, and those are the one known deviation (they are rejected as unassigned).
   */
  @Test
  void unassignedCodePointsMatchEthersWhereTheJdkKnowsThem() {
    Map<Integer, String> accepted = new HashMap<>();
    for (String item : EthersVectors.A1_ACCEPTED.split(",")) {
      if (!item.isEmpty()) {
        String[] kv = item.split(":");
        accepted.put(Integer.parseInt(kv[0], 16), kv[1]);
      }
    }
    int checkedAccepted = 0;
    int jdkTooOld = 0;
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (!Nameprep.isUnassigned(cp)) {
        continue;
      }
      String ethers = accepted.get(cp);
      if (ethers != null && Character.isDefined(cp)) {
        assertEquals(ethers, outcome(cp), "U+" + Integer.toHexString(cp));
        checkedAccepted++;
      } else {
        String ours = outcome(cp);
        if (!ours.equals("!UNASSIGNED")) {
          fail("U+" + Integer.toHexString(cp) + ": ethers " + ethers + ", ours " + ours);
        }
        if (ethers != null) {
          jdkTooOld++;
        }
      }
    }
    assertTrue(checkedAccepted > 500, "only " + checkedAccepted + " accepted A.1 code points checked");
    // Java 17 has Unicode 13; the recording used Unicode 17 (EthersVectors.UNICODE_VERSION): 144
    // code points from Unicode 14-17, mostly modifier letters, fall in this gap.
    assertTrue(jdkTooOld <= 144, jdkTooOld + " A.1 code points differ because of the JDK's Unicode");
    System.out.println(
        "A.1 code points ethers accepts: "
            + accepted.size()
            + ", matched: "
            + checkedAccepted
            + ", unknown to this JDK (Unicode "
            + "of Java " + Runtime.version().feature()
            + ") and rejected instead: "
            + jdkTooOld);
  }

  private static String outcome(int cp) {
    try {
      return EnsNames.normalize(new String(Character.toChars(cp)) + ".eth")
          .codePoints()
          .mapToObj(Integer::toHexString)
          .collect(Collectors.joining(" "));
    } catch (InvalidNameException e) {
      return "!" + e.reason().name();
    }
  }

  /** Readable test names: printable ASCII as is, everything else as U+XXXX. */
  static String describe(String s) {
    if (s.isEmpty()) {
      return "(empty)";
    }
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> {
              if (cp >= 0x21 && cp <= 0x7e) {
                b.appendCodePoint(cp);
              } else {
                b.append(String.format("<U+%04X>", cp));
              }
            });
    return b.toString();
  }
}
