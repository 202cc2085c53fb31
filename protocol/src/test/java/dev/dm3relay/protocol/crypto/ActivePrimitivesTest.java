package dev.dm3relay.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** How the implementation is chosen, and that a wrong one is never used. */
class ActivePrimitivesTest {

  @Test
  void theActiveImplementationIsTheConfiguredOne() {
    String wanted = System.getProperty(ActivePrimitives.PROPERTY, "auto");
    String expected = switch (wanted) {
      // Every machine of this project is linux-x86_64, where lazysodium bundles libsodium: if the
      // auto choice is not sodium here, native loading broke and the relay silently runs slower.
      case "auto", "sodium" -> "sodium";
      case "java" -> CryptoPrimitives.pureJava().name();
      default -> wanted;
    };
    assertEquals(expected, CryptoPrimitives.active().name());
  }

  @Test
  void namedChoices() {
    assertSame(CryptoPrimitives.pureJava(), ActivePrimitives.choose("java"));
    assertEquals("bc", ActivePrimitives.choose("bc").name());
    assertEquals("jdk", ActivePrimitives.choose("jdk").name());
    assertEquals("sodium", ActivePrimitives.choose("sodium").name());
    assertThrows(IllegalArgumentException.class, () -> ActivePrimitives.choose("openssl"));
  }

  @Test
  void theSelfTestRejectsAnImplementationThatComputesSomethingElse() {
    CryptoPrimitives broken = new CryptoPrimitivesWrapper(new BouncyCastlePrimitives()) {
      @Override
      public boolean x25519(byte[] privateKey32, byte[] publicKey32, byte[] out32) {
        boolean ok = super.x25519(privateKey32, publicKey32, out32);
        out32[7] ^= 1;
        return ok;
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ActivePrimitives.selfTested(broken));
    assertEquals("bc computes a wrong X25519", e.getMessage());
    CryptoPrimitives badSigner = new CryptoPrimitivesWrapper(new BouncyCastlePrimitives()) {
      @Override
      public byte[] ed25519Sign(byte[] privateKey64, byte[] message) {
        return new byte[64];
      }
    };
    assertThrows(IllegalStateException.class, () -> ActivePrimitives.selfTested(badSigner));
    assertSame(CryptoPrimitives.pureJava(), ActivePrimitives.selfTested(CryptoPrimitives.pureJava()));
  }

  @Test
  void autoFallsBackToPureJavaWhenTheNativeLibraryFailsToLoadOrMisbehaves() {
    assertSame(CryptoPrimitives.pureJava(), ActivePrimitives.nativeOrPureJava(() -> {
      throw new UnsatisfiedLinkError("no libsodium.so for this platform");
    }));
    assertSame(CryptoPrimitives.pureJava(), ActivePrimitives.nativeOrPureJava(() -> {
      throw new IllegalStateException("sodium_init failed");
    }));
    CryptoPrimitives wrongCipher = new CryptoPrimitivesWrapper(SodiumPrimitives.load()) {
      @Override
      public byte[] chachaEncrypt(byte[] key32, byte[] nonce12, byte[] plaintext) {
        byte[] out = super.chachaEncrypt(key32, nonce12, plaintext);
        out[0] ^= 1;
        return out;
      }
    };
    assertSame(CryptoPrimitives.pureJava(), ActivePrimitives.nativeOrPureJava(() -> wrongCipher));
    assertEquals("sodium", ActivePrimitives.nativeOrPureJava(SodiumPrimitives::load).name());
  }

  /** Delegates everything, so that a test can break one step. */
  private static class CryptoPrimitivesWrapper implements CryptoPrimitives {
    private final CryptoPrimitives inner;

    CryptoPrimitivesWrapper(CryptoPrimitives inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public boolean x25519(byte[] privateKey32, byte[] publicKey32, byte[] out32) {
      return inner.x25519(privateKey32, publicKey32, out32);
    }

    @Override
    public byte[] x25519PublicKey(byte[] privateKey32) {
      return inner.x25519PublicKey(privateKey32);
    }

    @Override
    public byte[] blake2b(int outputLength, byte[] input) {
      return inner.blake2b(outputLength, input);
    }

    @Override
    public byte[] chachaEncrypt(byte[] key32, byte[] nonce12, byte[] plaintext) {
      return inner.chachaEncrypt(key32, nonce12, plaintext);
    }

    @Override
    public byte[] chachaDecrypt(byte[] key32, byte[] nonce12, byte[] ciphertext) {
      return inner.chachaDecrypt(key32, nonce12, ciphertext);
    }

    @Override
    public byte[] ed25519PublicKey(byte[] seed32) {
      return inner.ed25519PublicKey(seed32);
    }

    @Override
    public byte[] ed25519Sign(byte[] privateKey64, byte[] message) {
      return inner.ed25519Sign(privateKey64, message);
    }

    @Override
    public boolean ed25519Verify(byte[] publicKey32, byte[] message, byte[] signature64) {
      return inner.ed25519Verify(publicKey32, message, signature64);
    }
  }
}
