package dev.dm3relay.node.mailbox;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * The mailbox entity id: an Ethereum address in EIP-55 checksummed form, so every name that
 * resolves to the address (alice.eth, alice.gno) reaches one mailbox.
 */
public final class MailboxAddress {

  private static final Pattern HEX_ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

  private MailboxAddress() {}

  /** The EIP-55 form of any-case {@code 0x}-prefixed 20-byte hex address. */
  public static String checksummed(String address) {
    if (address == null || !HEX_ADDRESS.matcher(address).matches()) {
      throw new IllegalArgumentException("Not an Ethereum address: " + address);
    }
    String lower = address.substring(2).toLowerCase(Locale.ROOT);
    KeccakDigest keccak = new KeccakDigest(256);
    byte[] ascii = lower.getBytes(StandardCharsets.US_ASCII);
    keccak.update(ascii, 0, ascii.length);
    byte[] hash = new byte[32];
    keccak.doFinal(hash, 0);
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < 40; i++) {
      char c = lower.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }
}
