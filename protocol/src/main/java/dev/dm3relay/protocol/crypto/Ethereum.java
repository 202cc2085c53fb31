package dev.dm3relay.protocol.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * The Ethereum pieces dm3 needs (§1.2, §3.5, §3.6): EIP-55 addresses, EIP-191 {@code hashMessage},
 * {@code personal_sign} and signer recovery on secp256k1. The curve arithmetic is Bouncy Castle's;
 * this class only strings the standard steps together (SEC 1 §4.1.6 for recovery).
 */
public final class Ethereum {

  private static final X9ECParameters CURVE_PARAMS = CustomNamedCurves.getByName("secp256k1");
  private static final ECDomainParameters CURVE = new ECDomainParameters(CURVE_PARAMS);
  private static final BigInteger N = CURVE.getN();
  private static final BigInteger HALF_N = N.shiftRight(1);
  private static final byte[] EIP191_PREFIX = "\u0019Ethereum Signed Message:\n".getBytes(StandardCharsets.UTF_8);

  private Ethereum() {}

  /**
   * The EIP-55 form of an address, as ethers' {@code getAddress}: 40 hex digits with or without
   * {@code 0x}; a mixed-case input must already carry the right checksum.
   *
   * @throws IllegalArgumentException when {@code address} is not an address or its checksum is wrong
   */
  public static String checksumAddress(String address) {
    if (address == null) {
      throw new IllegalArgumentException("address is missing");
    }
    String digits = address.startsWith("0x") ? address.substring(2) : address;
    if (digits.length() != 40 || !digits.chars().allMatch(Ethereum::isHexDigit)) {
      throw new IllegalArgumentException("not an Ethereum address: " + address);
    }
    String checksummed = checksum(digits.toLowerCase(Locale.ROOT));
    boolean mixedCase = !digits.equals(digits.toLowerCase(Locale.ROOT))
        && !digits.equals(digits.toUpperCase(Locale.ROOT));
    if (mixedCase && !checksummed.substring(2).equals(digits)) {
      throw new IllegalArgumentException("bad address checksum: " + address);
    }
    return checksummed;
  }

  /** Whether {@link #checksumAddress} accepts {@code address}. */
  public static boolean isAddress(String address) {
    try {
      checksumAddress(address);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** EIP-191 {@code hashMessage}: keccak256("\x19Ethereum Signed Message:\n" + byte length + message). */
  public static byte[] eip191Hash(String message) {
    return eip191Hash(message.getBytes(StandardCharsets.UTF_8));
  }

  /** {@link #eip191Hash(String)} of a message that is already UTF-8 bytes. */
  public static byte[] eip191Hash(byte[] utf8Message) {
    byte[] length = Integer.toString(utf8Message.length).getBytes(StandardCharsets.US_ASCII);
    byte[] header = Arrays.copyOf(EIP191_PREFIX, EIP191_PREFIX.length + length.length);
    System.arraycopy(length, 0, header, EIP191_PREFIX.length, length.length);
    return Hashes.keccak256(header, utf8Message);
  }

  /** The checksummed address of a secp256k1 private key. */
  public static String addressOf(byte[] privateKey32) {
    return addressOf(publicPoint(privateKey(privateKey32)));
  }

  /**
   * {@code personal_sign}: a deterministic (RFC 6979) ECDSA signature over {@link #eip191Hash},
   * with low s, as {@code 0x} + r ‖ s ‖ v (v = 27 or 28), as ethers signs.
   */
  public static String personalSign(byte[] privateKey32, String message) {
    BigInteger d = privateKey(privateKey32);
    byte[] hash = eip191Hash(message);
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d, CURVE));
    BigInteger[] rs = signer.generateSignature(hash);
    BigInteger r = rs[0];
    BigInteger s = rs[1].compareTo(HALF_N) > 0 ? N.subtract(rs[1]) : rs[1];
    ECPoint publicKey = publicPoint(d);
    for (int recoveryId = 0; recoveryId < 2; recoveryId++) {
      ECPoint candidate = recover(hash, r, s, recoveryId);
      if (candidate != null && candidate.equals(publicKey)) {
        byte[] signature = new byte[65];
        System.arraycopy(unsigned32(r), 0, signature, 0, 32);
        System.arraycopy(unsigned32(s), 0, signature, 32, 32);
        signature[64] = (byte) (27 + recoveryId);
        return Hex.prefixed(signature);
      }
    }
    // Only r ≥ p − n (probability ~2^-128) needs recovery ids 2 and 3; ethers cannot express them.
    throw new IllegalStateException("signature has no recovery id 0 or 1");
  }

  /**
   * The checksummed address that signed {@code message} with {@code personal_sign}, read exactly
   * as ethers 5.7.2's {@code verifyMessage} reads a signature (pinned by the vectors in
   * protocol/src/test/resources/vectors/ethers-signatures.json), so that a profile our relay
   * accepts is one every dm3 client accepts, and the reverse:
   *
   * <ul>
   *   <li>{@code 0x} (lower-case) and an even number of ASCII hex digits, either case;
   *   <li>65 bytes r ‖ s ‖ v, or 64 bytes r ‖ vs (EIP-2098: the top bit of vs is the parity);
   *   <li>v = 0 or 1 is a recovery id; any v ≥ 27 gives the parity by v % 2 (27, 29, … even y;
   *       28, 30, … odd y); 2–26 are refused;
   *   <li>no range checks on r and s, as elliptic's {@code recoverPubKey} does none: R's x is r mod
   *       p, and r⁻¹ and s are taken mod n. So a high s recovers (with the other parity), s = 0 or
   *       n recovers some other address, and only an r with no curve point or r ≡ 0 mod n fails.
   * </ul>
   *
   * @throws IllegalArgumentException for a signature ethers refuses
   */
  public static String recoverPersonalSigner(String message, String signatureHex) {
    if (signatureHex == null) {
      throw new IllegalArgumentException("signature is missing");
    }
    if (!isEthersHex(signatureHex)) {
      throw new IllegalArgumentException("signature is not 0x-prefixed hex of whole bytes");
    }
    byte[] signature = Hex.decode(signatureHex);
    int v;
    if (signature.length == 64) {
      v = 27 + ((signature[32] & 0xff) >> 7);
      signature[32] &= 0x7f;
    } else if (signature.length == 65) {
      v = signature[64] & 0xff;
    } else {
      throw new IllegalArgumentException("signature must be 65 bytes (or 64, EIP-2098), not " + signature.length);
    }
    if (v < 27) {
      if (v != 0 && v != 1) {
        throw new IllegalArgumentException("signature v must be 0, 1, or 27 or more, not " + v);
      }
      v += 27;
    }
    int recoveryId = 1 - (v % 2);
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    ECPoint publicKey = recover(eip191Hash(message), r, s, recoveryId);
    if (publicKey == null) {
      throw new IllegalArgumentException("signature recovers no public key");
    }
    return addressOf(publicKey);
  }

  /** ethers' {@code isHexString} with whole bytes: {@code 0x} and an even number of ASCII hex digits. */
  private static boolean isEthersHex(String text) {
    if (!text.startsWith("0x") || text.length() % 2 != 0) {
      return false;
    }
    for (int i = 2; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * SEC 1 §4.1.6, Q = r⁻¹(sR − eG), with elliptic's arithmetic: R is the point whose x is r mod p
   * with parity recoveryId, r⁻¹ is taken mod n; null when there is no such point, r ≡ 0 mod n, or
   * Q is the point at infinity.
   */
  private static ECPoint recover(byte[] hash, BigInteger r, BigInteger s, int recoveryId) {
    BigInteger x = r.mod(CURVE.getCurve().getField().getCharacteristic());
    byte[] compressed = new byte[33];
    compressed[0] = (byte) (recoveryId == 0 ? 0x02 : 0x03);
    System.arraycopy(unsigned32(x), 0, compressed, 1, 32);
    ECPoint bigR;
    try {
      bigR = CURVE.getCurve().decodePoint(compressed);
    } catch (IllegalArgumentException notOnCurve) {
      return null;
    }
    if (r.mod(N).signum() == 0) {
      return null;
    }
    BigInteger e = new BigInteger(1, hash);
    BigInteger rInverse = r.modInverse(N);
    BigInteger u1 = e.negate().mod(N).multiply(rInverse).mod(N);
    BigInteger u2 = s.mod(N).multiply(rInverse).mod(N);
    ECPoint q = ECAlgorithms.sumOfTwoMultiplies(CURVE.getG(), u1, bigR, u2).normalize();
    return q.isInfinity() ? null : q;
  }

  private static BigInteger privateKey(byte[] privateKey32) {
    if (privateKey32 == null || privateKey32.length != 32) {
      throw new IllegalArgumentException("secp256k1 private key must be 32 bytes");
    }
    BigInteger d = new BigInteger(1, privateKey32);
    if (d.signum() == 0 || d.compareTo(N) >= 0) {
      throw new IllegalArgumentException("secp256k1 private key is out of range");
    }
    return d;
  }

  private static ECPoint publicPoint(BigInteger d) {
    return new FixedPointCombMultiplier().multiply(CURVE.getG(), d).normalize();
  }

  private static String addressOf(ECPoint publicKey) {
    byte[] uncompressed = publicKey.getEncoded(false);
    byte[] hash = Hashes.keccak256(Arrays.copyOfRange(uncompressed, 1, 65));
    return checksum(Hex.plain(Arrays.copyOfRange(hash, 12, 32)));
  }

  /** EIP-55: upper-case the letters whose nibble in keccak256(lower-case hex text) is ≥ 8. */
  private static String checksum(String lowerHex40) {
    byte[] hash = Hashes.keccak256(lowerHex40.getBytes(StandardCharsets.US_ASCII));
    char[] out = new char[42];
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
      char c = lowerHex40.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out[2 + i] = nibble >= 8 ? Character.toUpperCase(c) : c;
    }
    return new String(out);
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static byte[] unsigned32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int length = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - length, out, 32 - length, length);
    return out;
  }
}
