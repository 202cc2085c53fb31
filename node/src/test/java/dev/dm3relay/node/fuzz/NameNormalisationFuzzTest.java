package dev.dm3relay.node.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.dm3relay.protocol.ens.EnsNames;
import dev.dm3relay.protocol.ens.InvalidNameException;
import java.nio.charset.StandardCharsets;

/**
 * Any text as an ENS name: normalised, or refused as {@link InvalidNameException}; nothing else
 * escapes (it would be a 500), the result is the same every time, and an ASCII result is a fixed
 * point.
 *
 * <p>Not asserted: that every result is a fixed point. ethers v5's nameprep, which ours follows
 * step for step for byte-exact names, folds case before NFKC, so a compatibility character whose
 * NFKC form is a capital keeps it: U+03F9 (Ϲ) + "v" gives "Σv", and "Σv" gives "σv". The fuzzer
 * found that (the corpus keeps it as {@code lunate-sigma}); it is what dm3 clients compute too, so
 * the relay must not differ.
 */
public class NameNormalisationFuzzTest {

  @FuzzTest
  void name(byte[] input) {
    fuzzerTestOneInput(input);
  }

  public static void fuzzerTestOneInput(byte[] input) {
    String raw = new String(input, StandardCharsets.UTF_8);
    String once;
    try {
      once = EnsNames.normalize(raw);
    } catch (InvalidNameException expected) {
      return;
    }
    if (!once.equals(EnsNames.normalize(raw))) {
      throw new AssertionError("normalisation is not deterministic for " + raw);
    }
    if (once.chars().allMatch(c -> c < 128) && !once.equals(EnsNames.normalize(once))) {
      throw new AssertionError("an ASCII name is not a fixed point: " + once);
    }
  }
}
