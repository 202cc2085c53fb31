package dev.dm3relay.protocol.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
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
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JDK 17 providers (SunEC, SunJCE). Kept as a benchmark candidate and for ChaCha20-Poly1305,
 * where it can beat Bouncy Castle. The JDK has no BLAKE2b, so that step is Bouncy Castle's.
 */
public final class JdkPrimitives implements CryptoPrimitives {

  private static final BouncyCastlePrimitives BC = new BouncyCastlePrimitives();

  private static final ThreadLocal<Cipher> CHACHA = ThreadLocal.withInitial(JdkPrimitives::newChaCha);

  @Override
  public String name() {
    return "jdk";
  }

  @Override
  public boolean x25519(byte[] privateKey32, byte[] publicKey32, byte[] out32) {
    try {
      KeyFactory factory = KeyFactory.getInstance("XDH");
      PrivateKey privateKey =
          factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey32.clone()));
      PublicKey publicKey =
          factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, littleEndianU(publicKey32)));
      KeyAgreement agreement = KeyAgreement.getInstance("XDH");
      agreement.init(privateKey);
      agreement.doPhase(publicKey, true);
      agreement.generateSecret(out32, 0);
      return true;
    } catch (InvalidKeyException | IllegalStateException lowOrderPoint) {
      // SunEC throws ("Point has small order") where libsodium returns -1.
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SunEC X25519 is unavailable", e);
    }
  }

  @Override
  public byte[] x25519PublicKey(byte[] privateKey32) {
    byte[] basePoint = new byte[32];
    basePoint[0] = 9;
    byte[] out = new byte[32];
    if (!x25519(privateKey32, basePoint, out)) {
      throw new IllegalStateException("the base point has full order");
    }
    return out;
  }

  @Override
  public byte[] blake2b(int outputLength, byte[] input) {
    return BC.blake2b(outputLength, input);
  }

  @Override
  public byte[] chachaEncrypt(byte[] key32, byte[] nonce12, byte[] plaintext) {
    try {
      return initialised(Cipher.ENCRYPT_MODE, key32, nonce12).doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  @Override
  public byte[] chachaDecrypt(byte[] key32, byte[] nonce12, byte[] ciphertext) {
    try {
      return initialised(Cipher.DECRYPT_MODE, key32, nonce12).doFinal(ciphertext);
    } catch (AEADBadTagException badTag) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
    }
  }

  @Override
  public byte[] ed25519PublicKey(byte[] seed32) {
    return BC.ed25519PublicKey(seed32);
  }

  @Override
  public byte[] ed25519Sign(byte[] privateKey64, byte[] message) {
    try {
      byte[] seed = Arrays.copyOf(privateKey64, 32);
      PrivateKey key =
          KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(key);
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SunEC Ed25519 signing failed", e);
    }
  }

  @Override
  public boolean ed25519Verify(byte[] publicKey32, byte[] message, byte[] signature64) {
    try {
      byte[] y = publicKey32.clone();
      boolean xOdd = (y[31] & 0x80) != 0;
      y[31] &= 0x7f;
      PublicKey key = KeyFactory.getInstance("Ed25519")
          .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, littleEndian(y))));
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature64);
    } catch (GeneralSecurityException | RuntimeException malformed) {
      return false;
    }
  }

  /** A cipher set up for one use. SunJCE refuses a second init with the same key and nonce. */
  private static Cipher initialised(int mode, byte[] key32, byte[] nonce12) throws GeneralSecurityException {
    SecretKeySpec key = new SecretKeySpec(key32, "ChaCha20");
    IvParameterSpec nonce = new IvParameterSpec(nonce12);
    Cipher cipher = CHACHA.get();
    try {
      cipher.init(mode, key, nonce);
    } catch (InvalidKeyException sameKeyAndNonce) {
      cipher = newChaCha();
      cipher.init(mode, key, nonce);
    }
    return cipher;
  }

  private static Cipher newChaCha() {
    try {
      return Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 runtime has ChaCha20-Poly1305", e);
    }
  }

  /** RFC 7748 decodes u little-endian and ignores the top bit. */
  private static BigInteger littleEndianU(byte[] u) {
    byte[] masked = u.clone();
    masked[31] &= 0x7f;
    return littleEndian(masked);
  }

  private static BigInteger littleEndian(byte[] bytes) {
    byte[] bigEndian = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      bigEndian[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, bigEndian);
  }
}
