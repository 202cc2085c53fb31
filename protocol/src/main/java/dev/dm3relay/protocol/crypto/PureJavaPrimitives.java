package dev.dm3relay.protocol.crypto;

/**
 * The fastest pure-Java choice per step, measured with JMH on Java 17 (protocol/BENCHMARKS.md):
 * Bouncy Castle's curve code, which is 1.0–5× faster than SunEC, and SunJCE's ChaCha20-Poly1305,
 * about twice as fast as Bouncy Castle's.
 */
public final class PureJavaPrimitives implements CryptoPrimitives {

  private final BouncyCastlePrimitives bc = new BouncyCastlePrimitives();
  private final JdkPrimitives jdk = new JdkPrimitives();

  @Override
  public String name() {
    return "java";
  }

  @Override
  public boolean x25519(byte[] privateKey32, byte[] publicKey32, byte[] out32) {
    return bc.x25519(privateKey32, publicKey32, out32);
  }

  @Override
  public byte[] x25519PublicKey(byte[] privateKey32) {
    return bc.x25519PublicKey(privateKey32);
  }

  @Override
  public byte[] blake2b(int outputLength, byte[] input) {
    return bc.blake2b(outputLength, input);
  }

  @Override
  public byte[] chachaEncrypt(byte[] key32, byte[] nonce12, byte[] plaintext) {
    return jdk.chachaEncrypt(key32, nonce12, plaintext);
  }

  @Override
  public byte[] chachaDecrypt(byte[] key32, byte[] nonce12, byte[] ciphertext) {
    return jdk.chachaDecrypt(key32, nonce12, ciphertext);
  }

  @Override
  public byte[] ed25519PublicKey(byte[] seed32) {
    return bc.ed25519PublicKey(seed32);
  }

  @Override
  public byte[] ed25519Sign(byte[] privateKey64, byte[] message) {
    return bc.ed25519Sign(privateKey64, message);
  }

  @Override
  public boolean ed25519Verify(byte[] publicKey32, byte[] message, byte[] signature64) {
    return bc.ed25519Verify(publicKey32, message, signature64);
  }
}
