package dev.dm3relay.helm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

/**
 * scripts/generate-identity.mjs writes keys the relay can use: libsodium layouts, a matching
 * Ed25519 pair (checked by signing and verifying with the JDK) and a matching X25519 pair (checked
 * by a Diffie-Hellman agreement in both directions), in the format the chart's schema accepts.
 */
class IdentityScriptTest {

  private static Map<String, byte[]> generate() throws Exception {
    Process node =
        new ProcessBuilder("node", Chart.DIR.resolve("scripts/generate-identity.mjs").toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(node.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, node.exitValue(), out);
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String line : out.strip().split("\n")) {
      String[] kv = line.split("=", 2);
      keys.put(kv[0], Base64.getDecoder().decode(kv[1]));
    }
    assertEquals(
        List.of("SIGNING_PUBLIC_KEY", "SIGNING_PRIVATE_KEY", "ENCRYPTION_PUBLIC_KEY", "ENCRYPTION_PRIVATE_KEY"),
        List.copyOf(keys.keySet()));
    return keys;
  }

  @Test
  void signingKeysAreAnEd25519PairInLibsodiumLayout() throws Exception {
    Map<String, byte[]> keys = generate();
    byte[] pub = keys.get("SIGNING_PUBLIC_KEY");
    byte[] secret = keys.get("SIGNING_PRIVATE_KEY");
    assertEquals(32, pub.length);
    assertEquals(64, secret.length);
    // libsodium: secret key = seed || public key.
    assertArrayEquals(pub, Arrays.copyOfRange(secret, 32, 64));

    KeyFactory ed = KeyFactory.getInstance("Ed25519");
    PrivateKey signer = ed.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, Arrays.copyOf(secret, 32)));
    PublicKey verifier = ed.generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, edPoint(pub)));
    byte[] message = "dm3 delivery service".getBytes(StandardCharsets.UTF_8);
    Signature sign = Signature.getInstance("Ed25519");
    sign.initSign(signer);
    sign.update(message);
    byte[] signature = sign.sign();
    Signature verify = Signature.getInstance("Ed25519");
    verify.initVerify(verifier);
    verify.update(message);
    assertTrue(verify.verify(signature), "the public key does not belong to the seed");
  }

  @Test
  void encryptionKeysAreAnX25519Pair() throws Exception {
    Map<String, byte[]> keys = generate();
    byte[] pub = keys.get("ENCRYPTION_PUBLIC_KEY");
    byte[] secret = keys.get("ENCRYPTION_PRIVATE_KEY");
    assertEquals(32, pub.length);
    assertEquals(32, secret.length);

    KeyFactory xdh = KeyFactory.getInstance("XDH");
    PrivateKey mine = xdh.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, secret));
    PublicKey minePublic = xdh.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, littleEndian(pub)));
    KeyPair other = KeyPairGenerator.getInstance("X25519").generateKeyPair();
    // Both sides reach the same secret only if the published key is the private key's point.
    assertArrayEquals(agree(mine, other.getPublic()), agree(other.getPrivate(), minePublic));
  }

  @Test
  void everyRunMakesNewKeysThatTheChartAccepts() throws Exception {
    Map<String, byte[]> first = generate();
    Map<String, byte[]> second = generate();
    assertNotEquals(
        Base64.getEncoder().encodeToString(first.get("SIGNING_PRIVATE_KEY")),
        Base64.getEncoder().encodeToString(second.get("SIGNING_PRIVATE_KEY")));
    Base64.Encoder b64 = Base64.getEncoder();
    Chart.Rendered r =
        Chart.renderWith(
            Chart.sets(
                "identity.create", true,
                "identity.signingPublicKey", b64.encodeToString(first.get("SIGNING_PUBLIC_KEY")),
                "identity.signingPrivateKey", b64.encodeToString(first.get("SIGNING_PRIVATE_KEY")),
                "identity.encryptionPublicKey", b64.encodeToString(first.get("ENCRYPTION_PUBLIC_KEY")),
                "identity.encryptionPrivateKey", b64.encodeToString(first.get("ENCRYPTION_PRIVATE_KEY"))));
    String stored = r.named("Secret", "relay-dm3-relay-identity").at("/data/SIGNING_PRIVATE_KEY").asText();
    assertArrayEquals(first.get("SIGNING_PRIVATE_KEY"),
        Base64.getDecoder().decode(new String(Base64.getDecoder().decode(stored), StandardCharsets.US_ASCII)));
  }

  private static byte[] agree(PrivateKey mine, PublicKey theirs) throws Exception {
    KeyAgreement agreement = KeyAgreement.getInstance("XDH");
    agreement.init(mine);
    agreement.doPhase(theirs, true);
    return agreement.generateSecret();
  }

  /** RFC 8032 encoding: y little-endian, the top bit of the last byte is the parity of x. */
  private static EdECPoint edPoint(byte[] encoded) {
    byte[] y = encoded.clone();
    boolean xOdd = (y[31] & 0x80) != 0;
    y[31] &= 0x7f;
    return new EdECPoint(xOdd, littleEndian(y));
  }

  private static BigInteger littleEndian(byte[] bytes) {
    byte[] big = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      big[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, big);
  }
}
