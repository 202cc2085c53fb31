package dev.dm3relay.protocol.crypto;

import static dev.dm3relay.protocol.crypto.Vectors.b64;
import static dev.dm3relay.protocol.crypto.Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every implementation, the native one and each pure-Java fallback, against the dm3 vectors: the
 * relay must compute the same bytes whichever one it ends up running.
 */
class CryptoPrimitivesTest {

  static Stream<CryptoPrimitives> implementations() {
    return Stream.of(
        new BouncyCastlePrimitives(), new JdkPrimitives(), new PureJavaPrimitives(), SodiumPrimitives.load());
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void ed25519SignsAndVerifiesTv1(CryptoPrimitives p) {
    byte[] priv = b64("fxIyJnMWNyzEma5dTFIgFEHbMhOcUZ1iq6pQN12r4cnuetAM8Rj+7io58EmfWSmV/KCWVfZW/UB9SjYAy4Ljkw==");
    byte[] pub = b64("7nrQDPEY/u4qOfBJn1kplfygllX2Vv1AfUo2AMuC45M=");
    byte[] expected = b64("9x18lnf1Dp65hseNuL8M9LL8x4kYy3ci2uMF3ncScD93jwdExjBBSPM0s3b4+2+6LEeLZECX1+bUE/usUqakAA==");
    byte[] test = "test".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(expected, p.ed25519Sign(priv, test));
    assertArrayEquals(pub, p.ed25519PublicKey(Arrays.copyOf(priv, 32)));
    assertTrue(p.ed25519Verify(pub, test, expected));
    assertFalse(p.ed25519Verify(pub, "test1".getBytes(StandardCharsets.UTF_8), expected));
    byte[] flipped = expected.clone();
    flipped[10] ^= 1;
    assertFalse(p.ed25519Verify(pub, test, flipped));
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void seedKeyPairsTv2(CryptoPrimitives p) {
    byte[] seed = b64("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJU=");
    byte[] kxPriv = p.blake2b(32, seed);
    assertArrayEquals(b64("pMI77F2w3GK+omZCB4A61WDqISOOnWGXR2f/MTLbqbY="), kxPriv);
    assertArrayEquals(b64("eHmMq29FeiPKfNPkSctPuZGXvV0sKeO/KZkX2nXvMgw="), p.x25519PublicKey(kxPriv));
    assertArrayEquals(b64("+tkDQWZfv9ixBmObsf8tgTHTZajwAE9muTtFAUj2e9I="), p.ed25519PublicKey(seed));
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void sessionKeysTv3(CryptoPrimitives p) {
    byte[] aPub = b64("3W8s+gq7A2Oz+cB0UIkjGlIc6yck5IavFBoZ/mrs0AE=");
    byte[] aPriv = b64("OBtMkSUhJwVjdte6xz96+kXsQxV/S4qHJoMf5/EG1dM=");
    byte[] bPub = b64("C5hCU3FnHD7Laz0t8O33pF6cdkNm6jDE6LOlrhJEUHc=");
    byte[] bPriv = b64("9gf3/fcvtCxSZU7smcSid6gRGuReY/pBEM1muVKb9Gg=");
    byte[] q = new byte[32];
    assertTrue(p.x25519(aPriv, bPub, q));
    assertArrayEquals(Hex.decode("6bef6c51045f676294af3f9303c7d6b2d340257856ded77e558eb3a76b1de639"), q);
    byte[] qServer = new byte[32];
    assertTrue(p.x25519(bPriv, aPub, qServer));
    assertArrayEquals(q, qServer);
    byte[] input = new byte[96];
    System.arraycopy(q, 0, input, 0, 32);
    System.arraycopy(aPub, 0, input, 32, 32);
    System.arraycopy(bPub, 0, input, 64, 32);
    byte[] h = p.blake2b(64, input);
    assertArrayEquals(b64("2ir0y03K95yskRhsS2sLTUXe178q8dWc9Hq/3Kem/6U="), Arrays.copyOfRange(h, 0, 32));
    assertArrayEquals(b64("akFOxUC97qOPs5I7P6y7SHg7JsTIDhFueQliqOvlQHg="), Arrays.copyOfRange(h, 32, 64));
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void lowOrderPublicKeyGivesNoSecret(CryptoPrimitives p) {
    byte[] priv = b64("OBtMkSUhJwVjdte6xz96+kXsQxV/S4qHJoMf5/EG1dM=");
    assertFalse(p.x25519(priv, new byte[32], new byte[32]), "u = 0 has order 4");
    byte[] one = new byte[32];
    one[0] = 1;
    assertFalse(p.x25519(priv, one, new byte[32]), "u = 1 has order 1");
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void chachaTv5(CryptoPrimitives p) {
    byte[] key = b64("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJU=");
    byte[] nonce = Hex.decode("0xb1aa67ea26d152dfdc60c0ce");
    byte[] padded = Padding.pad2048("test".getBytes(StandardCharsets.UTF_8));
    byte[] ct = p.chachaEncrypt(key, nonce, padded);
    assertEquals(2064, ct.length);
    assertArrayEquals(Hex.decode("0x9edacef66f7973af2a2bd31a650edb7e7043d6a855b769682b0d4100aa33ebe3"), Hashes.sha256(ct));
    // twice in a row with the same key and nonce: the JDK and BC ciphers refuse a naive re-init
    assertArrayEquals(ct, p.chachaEncrypt(key, nonce, padded));
    assertArrayEquals(padded, p.chachaDecrypt(key, nonce, ct));
    assertArrayEquals(padded, p.chachaDecrypt(key, nonce, ct));
    byte[] tampered = ct.clone();
    tampered[2063] ^= (byte) 0x80;
    assertNull(p.chachaDecrypt(key, nonce, tampered));
    assertNull(p.chachaDecrypt(key, nonce, new byte[15]));
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void deterministicEncryptionCasesStepByStep(CryptoPrimitives p) {
    List<JsonNode> cases = Vectors.deterministicEncryptions();
    for (JsonNode c : cases) {
      String id = c.get("id").asText();
      byte[] ephPriv = p.blake2b(32, hex(c, "ephemeralSeed"));
      assertArrayEquals(b64(c, "ephemeralPrivateKey"), ephPriv, id);
      byte[] ephPub = p.x25519PublicKey(ephPriv);
      assertArrayEquals(b64(c, "ephemeralPublicKey"), ephPub, id);
      byte[] q = new byte[32];
      assertTrue(p.x25519(ephPriv, b64(c, "recipientPublicKey"), q), id);
      assertArrayEquals(hex(c, "x25519SharedSecret"), q, id);
      byte[] recipientSide = new byte[32];
      assertTrue(p.x25519(b64(c, "recipientPrivateKey"), ephPub, recipientSide), id);
      assertArrayEquals(q, recipientSide, id);
      byte[] input = new byte[96];
      System.arraycopy(q, 0, input, 0, 32);
      System.arraycopy(ephPub, 0, input, 32, 32);
      System.arraycopy(b64(c, "recipientPublicKey"), 0, input, 64, 32);
      byte[] h = p.blake2b(64, input);
      assertArrayEquals(b64(c, "sessionKeyRx"), Arrays.copyOfRange(h, 0, 32), id);
      assertArrayEquals(b64(c, "sessionKeyTx"), Arrays.copyOfRange(h, 32, 64), id);
      byte[] padded = Padding.pad2048(c.get("plaintext").asText().getBytes(StandardCharsets.UTF_8));
      assertArrayEquals(hex(c, "paddedPlaintextSha256"), Hashes.sha256(padded), id);
      byte[] ct = p.chachaEncrypt(Arrays.copyOfRange(h, 32, 64), hex(c, "nonce"), padded);
      assertArrayEquals(b64(c.get("payload"), "ciphertext"), ct, id);
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void verifyRejectsGarbageWithoutThrowing(CryptoPrimitives p) {
    byte[] msg = "x".getBytes(StandardCharsets.UTF_8);
    byte[] notAPoint = new byte[32];
    Arrays.fill(notAPoint, (byte) 0xff);
    assertFalse(p.ed25519Verify(notAPoint, msg, new byte[64]));
    byte[] sig = new byte[64];
    Arrays.fill(sig, (byte) 0xff); // s ≥ L: non-canonical
    assertFalse(p.ed25519Verify(b64("7nrQDPEY/u4qOfBJn1kplfygllX2Vv1AfUo2AMuC45M="), msg, sig));
  }
}
