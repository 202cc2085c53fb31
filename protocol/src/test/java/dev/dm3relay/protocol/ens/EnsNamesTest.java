package dev.dm3relay.protocol.ens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dm3relay.protocol.crypto.Hex;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expectations written down from the digest (§6.1, §8), EIP-137 and the RFC 3454 tables. */
class EnsNamesTest {

  private static InvalidNameException rejects(String name, InvalidNameException.Reason reason) {
    InvalidNameException e = assertThrows(InvalidNameException.class, () -> EnsNames.normalize(name));
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  // ---- §6.1 observed-results table (ethers 5.7.2) ----

  @Test
  void caseIsFoldedBeforeNfkcSoACompatibilityCapitalStaysAsEthersLeavesIt() {
    // found by NameNormalisationFuzzTest: nameprep is not idempotent, in ethers v5 as here
    assertEquals("\u03a3v", EnsNames.normalize("\u03f9v"));
    assertEquals("\u03c3v", EnsNames.normalize("\u03a3v"));
  }

  @Test
  void digestTableRows() {
    assertEquals("alice.eth", EnsNames.normalize("Alice.eth"));
    assertEquals("\u00e4lice.eth", EnsNames.normalize("\u00c4LICE.eth"));
    assertEquals("ss.eth", EnsNames.normalize("\u00df.eth"));
    assertEquals("abc.eth", EnsNames.normalize("\uff21\uff22\uff23.eth"));
    assertEquals("alice.eth", EnsNames.normalize("alice\u200b.eth"));
    rejects("ab--c.eth", InvalidNameException.Reason.HYPHEN);
    rejects("-a.eth", InvalidNameException.Reason.HYPHEN);
    assertEquals("a-.eth", EnsNames.normalize("a-.eth"));
    assertEquals("a b.eth", EnsNames.normalize("a b.eth"));
  }

  // ---- §8 TV13 and the vector wallets ----

  @Test
  void tv13NamehashAndConversationId() {
    assertEquals(
        "0x787192fc5378cc32aa956ddfdedbf26b24e8d78e40109add0eea2c1a012c3dec",
        EnsNames.namehashHex("alice.eth"));
    assertEquals(
        "0x99c19ab10b9ec8ac6fcda9586e81f6b73a298870,bob.eth",
        EnsNames.conversationId("0x99C19AB10b9EC8aC6fcda9586E81f6B73a298870", "Bob.ETH"));
  }

  @Test
  void vectorWalletNamesAreAlreadyNormalised() throws Exception {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/vectors/dm3-vectors.json")) {
      root = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("keys").path("wallets").fields();
        it.hasNext(); ) {
      names.add(it.next().getValue().path("ensName").asText());
    }
    names.add(root.path("deliveryService").path("ensName").asText());
    assertEquals(List.of("alice.eth", "bob.eth", "ds.dm3.eth", "ds.dm3.eth"), names);
    for (String name : names) {
      assertEquals(name, EnsNames.normalize(name));
    }
  }

  // ---- namehash (EIP-137) ----

  @Test
  void namehashOfKnownNames() {
    assertArrayEquals(new byte[32], EnsNames.namehash(""));
    assertEquals(
        "0x93cdeb708b7545dc668eb9280176169d1c33cfd8ed6f04690a0bcc88a93fc4ae",
        EnsNames.namehashHex("eth"));
    assertEquals(
        "0xde9b09fd7c5f901e23a3f19fecc54828e9c848539801e86591bd9801b019f84f",
        EnsNames.namehashHex("foo.eth"));
  }

  @ParameterizedTest
  @CsvSource({"a..eth", ".eth", "eth.", "."})
  void namehashRejectsEmptyLabels(String name) {
    InvalidNameException e =
        assertThrows(InvalidNameException.class, () -> EnsNames.namehash(name));
    assertEquals(InvalidNameException.Reason.EMPTY_LABEL, e.reason());
  }

  @Test
  void namehashRejectsLoneSurrogates() {
    InvalidNameException e =
        assertThrows(InvalidNameException.class, () -> EnsNames.namehash("a\ud800.eth"));
    assertEquals(InvalidNameException.Reason.MALFORMED, e.reason());
  }

  // ---- dnsEncode ----

  @Test
  void dnsEncodeWritesLengthPrefixedLabels() {
    assertArrayEquals(
        new byte[] {5, 'a', 'l', 'i', 'c', 'e', 3, 'e', 't', 'h', 0}, EnsNames.dnsEncode("alice.eth"));
    assertArrayEquals(new byte[] {0}, EnsNames.dnsEncode(""));
    // ä is two UTF-8 bytes: the prefix counts bytes, not characters
    assertArrayEquals(
        new byte[] {4, (byte) 0xc3, (byte) 0xa4, 'b', 'c', 3, 'e', 't', 'h', 0},
        EnsNames.dnsEncode("\u00e4bc.eth"));
  }

  @Test
  void dnsEncodeLimitsLabelsTo63Bytes() {
    byte[] ok = EnsNames.dnsEncode("x".repeat(63) + ".eth");
    assertEquals(63, ok[0]);
    assertEquals(1 + 63 + 1 + 3 + 1, ok.length);
    InvalidNameException e =
        assertThrows(InvalidNameException.class, () -> EnsNames.dnsEncode("x".repeat(64) + ".eth"));
    assertEquals(InvalidNameException.Reason.LABEL_TOO_LONG, e.reason());
    // 32 × ä = 64 bytes in 32 characters
    assertThrows(InvalidNameException.class, () -> EnsNames.dnsEncode("\u00e4".repeat(32) + ".eth"));
    assertEquals(63, EnsNames.dnsEncode("\u00e4".repeat(31) + "x.eth")[0]);
  }

  // ---- the ASCII fast path and its boundary, against a model written from §6.1 ----

  /**
   * ASCII letters, digits and '-' only: up to 59 characters ethers just lower-cases (no hyphen
   * rule); from 60 on, and whenever another character such as '.' is present, the slow path runs,
   * which for this alphabet also lower-cases but applies the hyphen rule to the whole string.
   */
  private static Optional<String> modelOfAsciiNameprep(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    boolean fast = s.length() <= 59 && s.matches("[A-Za-z0-9-]*");
    if (fast) {
      return Optional.of(lower);
    }
    int n = lower.length();
    boolean badHyphen =
        (n >= 1 && lower.charAt(0) == '-')
            || (n >= 4 && lower.startsWith("--", 2))
            || (n >= 1 && lower.charAt(n - 1) == '-');
    return badHyphen ? Optional.empty() : Optional.of(lower);
  }

  @TestFactory
  Stream<DynamicTest> asciiFastPathBoundary() {
    Random random = new Random(20261122L);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
    List<String> inputs = new ArrayList<>();
    for (int len : new int[] {1, 2, 3, 4, 5, 58, 59, 60, 61, 63, 64}) {
      for (int k = 0; k < 12; k++) {
        char[] chars = new char[len];
        for (int i = 0; i < len; i++) {
          // hyphen-heavy so that the rule's three positions are often hit
          chars[i] =
              random.nextInt(4) == 0 ? '-' : alphabet.charAt(random.nextInt(alphabet.length()));
        }
        String s = new String(chars);
        inputs.add(s);
        inputs.add(s + ".eth");
        inputs.add(s.toUpperCase(Locale.ROOT));
      }
    }
    for (String fixed :
        new String[] {"ab--c", "-a", "a-", "-", "--", "---", "a--b", "ab--", "-".repeat(59)}) {
      inputs.add(fixed);
      inputs.add(fixed + ".eth");
    }
    return inputs.stream()
        .map(
            s ->
                DynamicTest.dynamicTest(
                    s.length() + ":" + s,
                    () -> {
                      Optional<String> expected = modelOfAsciiNameprep(s);
                      if (expected.isPresent()) {
                        assertEquals(expected.get(), EnsNames.normalize(s));
                      } else {
                        rejects(s, InvalidNameException.Reason.HYPHEN);
                      }
                    }));
  }

  @Test
  void fastPathStopsAt59Characters() {
    String hyphenFirst59 = "-" + "a".repeat(58);
    assertEquals(hyphenFirst59, EnsNames.normalize(hyphenFirst59));
    rejects(hyphenFirst59 + "a", InvalidNameException.Reason.HYPHEN);
    assertEquals("ab--" + "c".repeat(55), EnsNames.normalize("AB--" + "C".repeat(55)));
    rejects("AB--" + "C".repeat(56), InvalidNameException.Reason.HYPHEN);
    // the slow path has no length limit of its own
    assertEquals("a".repeat(300), EnsNames.normalize("A".repeat(300)));
  }

  // ---- mapping: B.1, variation selectors, B.2, NFKC ----

  @Test
  void zeroWidthAndVariationSelectorsAreRemoved() {
    for (String invisible :
        new String[] {
          "\u00ad", "\u034f", "\u1806", "\u180b", "\u180c", "\u180d", "\u200b", "\u200c", "\u200d",
          "\u2060", "\ufeff", "\ufe00", "\ufe0f"
        }) {
      assertEquals("alice.eth", EnsNames.normalize("al" + invisible + "ice.eth"), invisible);
    }
    assertEquals("\u2764.eth", EnsNames.normalize("\u2764\ufe0f.eth"));
    assertEquals("", EnsNames.normalize("\u200b\ufe0f"));
  }

  @Test
  void caseFoldingAndCompatibilityForms() {
    assertEquals("strasse.eth", EnsNames.normalize("Stra\u00dfe.eth"));
    assertEquals("abc.eth", EnsNames.normalize("\uff41\uff42\uff43.eth"));
    assertEquals("a.eth", EnsNames.normalize("a\uff0eeth")); // full-width full stop becomes '.'
    assertEquals("fi.eth", EnsNames.normalize("\ufb01.eth"));
    assertEquals("xii.eth", EnsNames.normalize("\u216b.eth"));
    assertEquals("1.eth", EnsNames.normalize("\u2460.eth"));
    assertEquals("k.eth", EnsNames.normalize("\u212a.eth")); // Kelvin sign
    assertEquals("s.eth", EnsNames.normalize("\u017f.eth")); // long s
    assertEquals("\u03c3\u03c3.eth", EnsNames.normalize("\u03a3\u03c2.eth")); // final sigma folds
    assertEquals("\u00e9.eth", EnsNames.normalize("e\u0301.eth")); // composed by NFKC
    assertEquals("a b.eth", EnsNames.normalize("a\u3000b.eth")); // ideographic space → ' ' before C.1.2
    rejects("\uff0da.eth", InvalidNameException.Reason.HYPHEN); // full-width '-' counts after NFKC
  }

  // ---- prohibited (C.*) and unassigned (A.1) ----

  @ParameterizedTest
  @CsvSource({
    "0080, C.2.2",
    "1680, C.1.2",
    "06DD, C.2.2",
    "E000, C.3",
    "10FFFD, C.3",
    "FDD0, C.4",
    "1FFFE, C.4",
    "FFFD, C.6",
    "2FF0, C.7",
    "200E, C.8",
    "202E, C.8",
    "E0001, C.9",
    "1D173, C.2.2"
  })
  void prohibitedCodePointsNameTheirTable(String hex, String table) {
    int cp = Integer.parseInt(hex, 16);
    InvalidNameException e =
        rejects("a" + new String(Character.toChars(cp)) + ".eth", InvalidNameException.Reason.PROHIBITED);
    assertEquals(cp, e.codePoint());
    assertTrue(e.getMessage().contains("U+" + hex), e.getMessage());
    assertTrue(e.getMessage().contains(table), e.getMessage());
  }

  @Test
  void asciiControlsAreNotProhibited() {
    // nameprep prohibits C.2.2 (non-ASCII controls) only; C.1.1 and C.2.1 are left to IDNA's STD3 rules
    assertEquals("a\u0000b.eth", EnsNames.normalize("a\u0000b.eth"));
    assertEquals("a\u007fb.eth", EnsNames.normalize("a\u007fB.eth"));
    assertEquals("a_b/c.eth", EnsNames.normalize("a_B/c.eth"));
  }

  @Test
  void unassignedInUnicode32IsRejected() {
    InvalidNameException e = rejects("\u0221.eth", InvalidNameException.Reason.UNASSIGNED);
    assertEquals(0x221, e.codePoint());
    assertTrue(e.getMessage().contains("U+0221") && e.getMessage().contains("A.1"), e.getMessage());
    rejects("\u1e9e.eth", InvalidNameException.Reason.UNASSIGNED); // capital sharp s, Unicode 5.1
    rejects("\u9fa6.eth", InvalidNameException.Reason.UNASSIGNED); // CJK added in 4.1
  }

  @Test
  void prohibitedIsReportedBeforeUnassigned() {
    // ethers checks all of C first, then all of A.1
    rejects("\u0221\ue000.eth", InvalidNameException.Reason.PROHIBITED);
  }

  @Test
  void newerCharactersThatNormaliseToOldTextAreAcceptedUnfolded() {
    // U+1D2C MODIFIER LETTER CAPITAL A (Unicode 4.0) is not in B.2, NFKC turns it into 'A' and the
    // A.1 check only sees 'A': ethers returns an upper-case letter
    assertEquals("A.eth", EnsNames.normalize("\u1d2c.eth"));
  }

  @Test
  void emoji() {
    // Unicode 1.1 dingbats and symbols are assigned in 3.2
    assertEquals("\u263a.eth", EnsNames.normalize("\u263a.eth"));
    assertEquals("\u2764.eth", EnsNames.normalize("\u2764\ufe0f.eth"));
    // most emoji (U+1F300 and up) came in Unicode 6.0+ and are unassigned in 3.2
    rejects("\ud83d\ude00.eth", InvalidNameException.Reason.UNASSIGNED);
    rejects("\ud83e\udd84.eth", InvalidNameException.Reason.UNASSIGNED);
    // ZWJ sequence: the joiners are dropped, the U+1F468 then fails as unassigned
    rejects("\ud83d\udc68\u200d\ud83d\udc69.eth", InvalidNameException.Reason.UNASSIGNED);
  }

  // ---- right-to-left: ethers has no bidi check ----

  @Test
  void rightToLeftNamesAreAcceptedAsEthersAcceptsThem() {
    String arabic = "\u0645\u0631\u062d\u0628\u0627";
    String hebrew = "\u05e9\u05dc\u05d5\u05dd";
    // RFC 3491 would reject all of these (RandALCat mixed with LCat "eth", or not at both ends)
    assertEquals(arabic + ".eth", EnsNames.normalize(arabic + ".eth"));
    assertEquals(hebrew + ".eth", EnsNames.normalize(hebrew + ".eth"));
    assertEquals("a\u05e9.eth", EnsNames.normalize("A\u05e9.eth"));
    assertEquals("\u05e91", EnsNames.normalize("\u05e91"));
    assertEquals("\u05d0abc\u05d1", EnsNames.normalize("\u05d0ABC\u05d1"));
    // the bidi formatting characters themselves are in C.8
    rejects(hebrew + "\u200f.eth", InvalidNameException.Reason.PROHIBITED);
  }

  @Test
  void loneSurrogatesAreMalformed() {
    rejects("\ud800", InvalidNameException.Reason.MALFORMED);
    rejects("a\udc00.eth", InvalidNameException.Reason.MALFORMED);
  }

  @Test
  void conversationIdNormalisesBothSides() {
    assertEquals(
        "0x99c19ab10b9ec8ac6fcda9586e81f6b73a298870,\u00e4lice.eth",
        EnsNames.conversationId("0x99C19AB10b9EC8aC6fcda9586E81f6B73a298870", "\u00c4lice.ETH"));
    assertThrows(
        InvalidNameException.class,
        () -> EnsNames.conversationId("0x99c19ab10b9ec8ac6fcda9586e81f6b73a298870", "-bob.eth"));
  }

  // ---- names that carry their address ----

  @Test
  void embeddedAddress() {
    String addr = "0x99c19ab10b9ec8ac6fcda9586e81f6b73a298870";
    String mixed = "0x99C19AB10b9EC8aC6fcda9586E81f6B73a298870";
    assertEquals(Optional.of(addr), EnsNames.embeddedAddress(addr));
    assertEquals(Optional.of(addr), EnsNames.embeddedAddress(mixed));
    assertEquals(Optional.of(addr), EnsNames.embeddedAddress(addr.substring(2)));
    assertEquals(Optional.of(addr), EnsNames.embeddedAddress(addr + ".addr.dm3.eth"));
    assertEquals(Optional.of(addr), EnsNames.embeddedAddress(mixed + ".addr.dm3.eth"));
    assertEquals(
        Optional.of(addr), EnsNames.embeddedAddress(EnsNames.normalize(mixed + ".ADDR.dm3.eth")));

    assertEquals(Optional.empty(), EnsNames.embeddedAddress(addr + ".evil.eth"));
    assertEquals(Optional.empty(), EnsNames.embeddedAddress(addr + ".addr.dm3.eth.evil.eth"));
    assertEquals(Optional.empty(), EnsNames.embeddedAddress("x." + addr + ".addr.dm3.eth"));
    assertEquals(Optional.empty(), EnsNames.embeddedAddress(addr + "00"));
    assertEquals(Optional.empty(), EnsNames.embeddedAddress(addr.substring(0, 41)));
    assertEquals(Optional.empty(), EnsNames.embeddedAddress(addr.substring(2) + ".addr.dm3.eth"));
    assertEquals(Optional.empty(), EnsNames.embeddedAddress("0x" + "g".repeat(40)));
    assertEquals(Optional.empty(), EnsNames.embeddedAddress("alice.eth"));
    assertEquals(Optional.empty(), EnsNames.embeddedAddress(addr + ".addr.dm3.eth."));
    assertEquals(Optional.empty(), EnsNames.embeddedAddress(""));

    assertEquals(
        Optional.of(addr),
        EnsNames.embeddedAddress(addr + ".beta-addr.dm3.eth", Set.of("beta-addr.dm3.eth")));
    assertEquals(
        Optional.empty(),
        EnsNames.embeddedAddress(addr + ".addr.dm3.eth", Set.of("beta-addr.dm3.eth")));
  }
}
