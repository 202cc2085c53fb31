package dev.dm3relay.node.notification;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;

/** Checks of the relay's VAPID key pair at start, so that a pasted-wrong key fails loudly. */
final class VapidKeys {

  private VapidKeys() {}

  /** Whether {@code publicKey} (uncompressed) is the P-256 point of {@code privateKey}. */
  static boolean matches(byte[] publicKey, byte[] privateKey) {
    X9ECParameters p256 = ECNamedCurveTable.getByName("secp256r1");
    BigInteger d = new BigInteger(1, privateKey);
    if (d.signum() == 0 || d.compareTo(p256.getN()) >= 0) {
      return false;
    }
    return Arrays.equals(p256.getG().multiply(d).normalize().getEncoded(false), publicKey);
  }
}
