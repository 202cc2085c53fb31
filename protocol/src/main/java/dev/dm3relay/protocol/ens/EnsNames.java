package dev.dm3relay.protocol.ens;

import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.Hex;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * ENS name handling as the dm3 reference delivery service does it with ethers v5: nameprep
 * normalisation, EIP-137 namehash, DNS wire encoding for ENSIP-10, conversation ids, and names that
 * carry their own address.
 */
public final class EnsNames {

  /** The subdomain the dm3 offchain resolver serves {@code <address>.addr.dm3.eth} names under. */
  public static final String DM3_ADDR_SUBDOMAIN = "addr.dm3.eth";

  private static final int MAX_DNS_LABEL_BYTES = 63;
  private static final int ADDRESS_HEX_DIGITS = 40;

  private EnsNames() {}

  /**
   * ethers v5 {@code nameprep(name)} (what dm3 calls {@code normalizeEnsName}).
   *
   * @throws InvalidNameException when ethers would throw; the message names the code point and rule
   */
  public static String normalize(String name) {
    Objects.requireNonNull(name, "name");
    return Nameprep.nameprep(name);
  }

  /**
   * EIP-137 namehash of a name that is already normalised; this method does not normalise. The
   * empty name hashes to 32 zero bytes. (ethers 5.7's {@code namehash} first runs ENSIP-15
   * {@code ens_normalize}; for names that leaves unchanged, such as nameprep'd lower-case names, the
   * results are the same.)
   *
   * @throws InvalidNameException for an empty label (ethers rejects {@code a..eth}, {@code .eth},
   *     {@code eth.}) or a lone surrogate
   */
  public static byte[] namehash(String normalizedName) {
    byte[] node = new byte[32];
    List<byte[]> labels = labels(normalizedName);
    for (int i = labels.size() - 1; i >= 0; i--) {
      byte[] joined = new byte[64];
      System.arraycopy(node, 0, joined, 0, 32);
      System.arraycopy(Hashes.keccak256(labels.get(i)), 0, joined, 32, 32);
      node = Hashes.keccak256(joined);
    }
    return node;
  }

  /** {@link #namehash} as {@code 0x} + 64 lower-case hex digits. */
  public static String namehashHex(String normalizedName) {
    return Hex.prefixed(namehash(normalizedName));
  }

  /**
   * DNS wire format of a name, as ENSIP-10 {@code resolve(bytes name, bytes data)} takes it: each
   * label as a length byte plus its UTF-8 bytes, then a zero byte. The empty name is {@code [0]}.
   *
   * @throws InvalidNameException for a label over 63 bytes, an empty label or a lone surrogate
   */
  public static byte[] dnsEncode(String normalizedName) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(normalizedName.length() + 2);
    for (byte[] label : labels(normalizedName)) {
      if (label.length > MAX_DNS_LABEL_BYTES) {
        throw new InvalidNameException(
            InvalidNameException.Reason.LABEL_TOO_LONG,
            -1,
            "label of " + label.length + " bytes exceeds the DNS limit of 63 bytes");
      }
      out.write(label.length);
      out.writeBytes(label);
    }
    out.write(0);
    return out.toByteArray();
  }

  /**
   * The id of the mailbox conversation a message from {@code senderName} to {@code receiverAddress}
   * is stored under: {@code nameprep(receiverAddress) + "," + nameprep(senderName)}.
   *
   * @throws InvalidNameException when either part fails nameprep
   */
  public static String conversationId(String receiverAddress, String senderName) {
    return normalize(receiverAddress) + "," + normalize(senderName);
  }

  /**
   * The address a name stands for by its spelling alone, so that it resolves without a chain: a
   * bare address, or {@code <address>.addr.dm3.eth}. Same as {@code embeddedAddress(name,
   * Set.of(DM3_ADDR_SUBDOMAIN))}.
   */
  public static Optional<String> embeddedAddress(String normalizedName) {
    return embeddedAddress(normalizedName, Set.of(DM3_ADDR_SUBDOMAIN));
  }

  /**
   * The address a name stands for by its spelling alone: {@code 0x} + 40 hex digits (or the 40
   * digits without {@code 0x}, which ethers' {@code resolveName} also takes as an address), or
   * {@code 0x<40 hex>.<subdomain>} for one of {@code trustedSubdomains}. Hex digits may be in either
   * case; the result is {@code 0x} + lower-case hex, not checksummed, and a bad EIP-55 checksum is
   * not detected here.
   *
   * <p>Only subdomains the caller trusts count: any other {@code 0x….<parent>} name is whatever its
   * parent's resolver says it is, so reading the address off its spelling would let the owner of
   * any parent name claim another account's mailbox. The dm3 offchain resolver only registers
   * {@code <address>.<subdomain>} for a profile signed by that address, which is what makes its
   * subdomains safe to trust.
   */
  public static Optional<String> embeddedAddress(
      String normalizedName, Set<String> trustedSubdomains) {
    String name = normalizedName.toLowerCase(Locale.ROOT);
    if (isHexDigits(name, 0, ADDRESS_HEX_DIGITS) && name.length() == ADDRESS_HEX_DIGITS) {
      return Optional.of("0x" + name);
    }
    int addressEnd = 2 + ADDRESS_HEX_DIGITS;
    if (!name.startsWith("0x") || !isHexDigits(name, 2, ADDRESS_HEX_DIGITS)) {
      return Optional.empty();
    }
    if (name.length() == addressEnd) {
      return Optional.of(name);
    }
    if (name.charAt(addressEnd) != '.') {
      return Optional.empty();
    }
    String subdomain = name.substring(addressEnd + 1);
    for (String trusted : trustedSubdomains) {
      if (subdomain.equals(trusted.toLowerCase(Locale.ROOT))) {
        return Optional.of(name.substring(0, addressEnd));
      }
    }
    return Optional.empty();
  }

  private static boolean isHexDigits(String s, int from, int count) {
    if (s.length() < from + count) {
      return false;
    }
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** UTF-8 labels split on '.', as ethers splits the UTF-8 bytes on 0x2e. */
  private static List<byte[]> labels(String name) {
    Objects.requireNonNull(name, "name");
    List<byte[]> labels = new ArrayList<>();
    if (name.isEmpty()) {
      return labels;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < name.length()
          && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidNameException(
            InvalidNameException.Reason.MALFORMED,
            c,
            String.format("lone UTF-16 surrogate U+%04X at index %d", (int) c, i));
      }
    }
    int start = 0;
    while (true) {
      int dot = name.indexOf('.', start);
      String label = dot < 0 ? name.substring(start) : name.substring(start, dot);
      if (label.isEmpty()) {
        throw new InvalidNameException(
            InvalidNameException.Reason.EMPTY_LABEL, -1, "empty label in \"" + name + "\"");
      }
      labels.add(label.getBytes(StandardCharsets.UTF_8));
      if (dot < 0) {
        return labels;
      }
      start = dot + 1;
    }
  }
}
