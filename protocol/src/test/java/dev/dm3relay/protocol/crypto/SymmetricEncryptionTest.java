package dev.dm3relay.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** §3.3 symmetric AEAD (TV5). */
class SymmetricEncryptionTest {

  private static final byte[] KEY = Vectors.b64("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJU=");
  private static final byte[] NONCE = Hex.decode("0xb1aa67ea26d152dfdc60c0ce");

  @Test
  void encryptTv5() {
    byte[] ciphertext = SymmetricEncryption.encrypt(KEY, NONCE, "test".getBytes(StandardCharsets.UTF_8));
    assertEquals(2064, ciphertext.length);
    assertArrayEquals(Hex.decode("0x9edacef66f7973af2a2bd31a650edb7e7043d6a855b769682b0d4100aa33ebe3"), Hashes.sha256(ciphertext));
    assertEquals("test", new String(SymmetricEncryption.decrypt(KEY, NONCE, ciphertext), StandardCharsets.UTF_8));
  }

  @Test
  void failuresAreDecryptionExceptions() {
    byte[] ciphertext = SymmetricEncryption.encrypt(KEY, NONCE, "test".getBytes(StandardCharsets.UTF_8));
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    byte[] otherNonce = NONCE.clone();
    otherNonce[11] ^= 1;
    byte[] damaged = ciphertext.clone();
    damaged[5] ^= 1;
    byte[] damagedTag = ciphertext.clone();
    damagedTag[2060] ^= 1;
    assertThrows(DecryptionException.class, () -> SymmetricEncryption.decrypt(otherKey, NONCE, ciphertext));
    assertThrows(DecryptionException.class, () -> SymmetricEncryption.decrypt(KEY, otherNonce, ciphertext));
    assertThrows(DecryptionException.class, () -> SymmetricEncryption.decrypt(KEY, NONCE, damaged));
    assertThrows(DecryptionException.class, () -> SymmetricEncryption.decrypt(KEY, NONCE, damagedTag));
    assertThrows(DecryptionException.class, () -> SymmetricEncryption.decrypt(KEY, NONCE, new byte[3]));
    assertThrows(DecryptionException.class, () -> SymmetricEncryption.decrypt(KEY, NONCE, null));
    assertThrows(DecryptionException.class, () -> SymmetricEncryption.decrypt(new byte[16], NONCE, ciphertext));
    assertThrows(DecryptionException.class, () -> SymmetricEncryption.decrypt(KEY, new byte[8], ciphertext));
    byte[] unpadded = CryptoPrimitives.active().chachaEncrypt(KEY, NONCE, new byte[2048]);
    assertThrows(DecryptionException.class, () -> SymmetricEncryption.decrypt(KEY, NONCE, unpadded));
    assertThrows(IllegalArgumentException.class, () -> SymmetricEncryption.encrypt(KEY, new byte[24], new byte[1]));
  }
}
