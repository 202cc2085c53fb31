package dev.dm3relay.protocol.crypto;

import static dev.dm3relay.protocol.crypto.Vectors.b64;
import static dev.dm3relay.protocol.crypto.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Wallet → storage key → dm3 key pairs (§3.5), and the X25519/Ed25519 seed key pairs (TV2, TV7). */
class KeyDerivationTest {

  private static final String DEFAULT_NONCE = "0xa1b38837dd52e70a250ac2bf3e19f1599833e9d30662bf69a1c12e5747ed9f65";

  @ParameterizedTest
  @ValueSource(strings = {"alice", "bob", "ds"})
  void walletVectors(String name) {
    JsonNode w = Vectors.wallet(name);
    byte[] walletKey = Hex.decode(text(w, "privateKey"));
    String message = text(w, "storageKeyCreationMessage");

    assertEquals(text(w, "address"), Ethereum.addressOf(walletKey));
    assertEquals(text(w, "storageKeyCreationMessageEip191Hash"), Hex.prefixed(Ethereum.eip191Hash(message)));
    String signature = Ethereum.personalSign(walletKey, message);
    assertEquals(text(w, "storageKeyCreationSignature"), signature);
    assertEquals(text(w, "address"), Ethereum.recoverPersonalSigner(message, signature));

    byte[] storageKey = Hashes.sha256(signature.getBytes(StandardCharsets.UTF_8));
    assertEquals(text(w, "storageKey"), Base64.getEncoder().encodeToString(storageKey));
    assertEquals(Vectors.keyPair(w.required("encryptionKeyPair")), X25519Kx.seedKeyPair(storageKey));
    assertEquals(Vectors.keyPair(w.required("signingKeyPair")), Ed25519.seedKeyPair(storageKey));
  }

  @Test
  void storageKeyCreationMessageIsTheSpecText() {
    JsonNode w = Vectors.wallet("alice");
    assertEquals(DEFAULT_NONCE, text(Vectors.ROOT.required("keys"), "nonce"));
    assertEquals(creationMessage(text(w, "address"), DEFAULT_NONCE), text(w, "storageKeyCreationMessage"));
  }

  @Test
  void seedKeyPairsTv2() {
    byte[] seed = b64("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJU=");
    assertEquals(KeyPair.fromBase64("eHmMq29FeiPKfNPkSctPuZGXvV0sKeO/KZkX2nXvMgw=",
        "pMI77F2w3GK+omZCB4A61WDqISOOnWGXR2f/MTLbqbY="), X25519Kx.seedKeyPair(seed));
    assertEquals(KeyPair.fromBase64("+tkDQWZfv9ixBmObsf8tgTHTZajwAE9muTtFAUj2e9I=",
        "+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJX62QNBZl+/2LEGY5ux/y2BMdNlqPAAT2a5O0UBSPZ70g=="),
        Ed25519.seedKeyPair(seed));
  }

  @Test
  void storageKeyTv4() {
    String signature = "0xb9b0a77f501c6db70c5e8f7d1e6be1642b8b7e897d681c69921569cb84b0a87d52cd22d501de45a643d4058bdba96d5614faf7dc4461a5931fc90ddecb2e84991b";
    assertEquals("hsFAngifN8jSBFkrVKL1NgWKLCbLYJHKLTdr6LPxlqQ=",
        Base64.getEncoder().encodeToString(Hashes.sha256(signature.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void walletToProfileKeysTv7() {
    byte[] walletKey = Hex.decode("0xac58f2f021d6f148fd621b355edbd0ebadcf9682019015ef1219cf9c0c2ddc8b");
    String address = Ethereum.addressOf(walletKey);
    assertEquals("0x652dD52d9431844a0585C83A3cCEFac96843bf08", address);

    String signature = Ethereum.personalSign(walletKey, creationMessage(address, DEFAULT_NONCE));
    assertEquals("0x78c6a6b1689b8dc9121d0cbc326d108f478b6d1258f29f01230d60de82d512586765d1d10b4f995a0cd7c65332f112bc58aa1a69cb7bb88b6ff1308ed8afc3781b", signature);
    byte[] storageKey = Hashes.sha256(signature.getBytes(StandardCharsets.UTF_8));
    assertEquals("hHFeMBtp9mkqrPPSRVbgQU9KMj/K/1zvjjBJ7kcD25g=", Base64.getEncoder().encodeToString(storageKey));
    assertEquals(KeyPair.fromBase64("Cz5WfEEhkmzP52L7OJzd4sf9xQUYc9nRAbnevjTbL28=",
        "dradnyjzlC7T87nZ3HfJo+w2aQQVhxP0Sdk+eZttEmw="), X25519Kx.seedKeyPair(storageKey));
    assertEquals(KeyPair.fromBase64("vwAsCu4TAL3KeeCfkKsi+ACTRjfeHtbKJh4yUs9fL5A=",
        "hHFeMBtp9mkqrPPSRVbgQU9KMj/K/1zvjjBJ7kcD25i/ACwK7hMAvcp54J+QqyL4AJNGN94e1somHjJSz18vkA=="),
        Ed25519.seedKeyPair(storageKey));

    String zeroSignature = Ethereum.personalSign(walletKey, creationMessage(address, "0"));
    assertEquals("0x98c01bfba259dda3424b51aa011840869ba9ade5591d91dbff910f72f0eb722a076f277240406ebffc1354fc7e025d101d1684cf537d42bf3a2d40848d357eef1b", zeroSignature);
    byte[] zeroKey = Hashes.sha256(zeroSignature.getBytes(StandardCharsets.UTF_8));
    assertEquals("5Z3T5I5/TW7AyNBn5x5cNcf250u1J8jBTW7qWfmQRmc=", Base64.getEncoder().encodeToString(zeroKey));
    assertEquals(KeyPair.fromBase64("rxMiPdfRtVi3/1C6OBfhjQ3P5jmmNAfOodqItoggOhE=",
        "khj7wD6gulb/fVDyPwO1gIfIS+fx1z7IXZnszvapFzg="), X25519Kx.seedKeyPair(zeroKey));
    assertEquals(KeyPair.fromBase64("3C6nzt4LiziHqZ5DU9O3K4jtgvcq2EqZPJ2zMADjy+E=",
        "5Z3T5I5/TW7AyNBn5x5cNcf250u1J8jBTW7qWfmQRmfcLqfO3guLOIepnkNT07criO2C9yrYSpk8nbMwAOPL4Q=="),
        Ed25519.seedKeyPair(zeroKey));
  }

  @Test
  void dsKeysFromEnvMatchTheDsWallet() {
    JsonNode env = Vectors.ROOT.path("deliveryService").required("env");
    byte[] seed = b64(Vectors.wallet("ds"), "storageKey");
    assertEquals(KeyPair.fromBase64(text(env, "SIGNING_PUBLIC_KEY"), text(env, "SIGNING_PRIVATE_KEY")),
        Ed25519.seedKeyPair(seed));
    assertEquals(Vectors.dsEncryptionKeys(), X25519Kx.seedKeyPair(seed));
  }

  @Test
  void generatedKeyPairsAreFreshAndConsistent() {
    KeyPair a = X25519Kx.generate();
    KeyPair b = X25519Kx.generate();
    assertNotEquals(a, b);
    // checked with the pure-Java code, whichever implementation generated it
    assertArrayEquals(CryptoPrimitives.pureJava().x25519PublicKey(a.privateKey()), a.publicKey());
    assertArrayEquals(X25519Kx.sharedSecret(a.privateKey(), b.publicKey()),
        X25519Kx.sharedSecret(b.privateKey(), a.publicKey()));
  }

  @Test
  void sharedSecretTv3AndItsErrors() {
    byte[] aPriv = b64("OBtMkSUhJwVjdte6xz96+kXsQxV/S4qHJoMf5/EG1dM=");
    byte[] bPub = b64("C5hCU3FnHD7Laz0t8O33pF6cdkNm6jDE6LOlrhJEUHc=");
    assertArrayEquals(Hex.decode("6bef6c51045f676294af3f9303c7d6b2d340257856ded77e558eb3a76b1de639"),
        X25519Kx.sharedSecret(aPriv, bPub));
    assertThrows(IllegalArgumentException.class, () -> X25519Kx.sharedSecret(aPriv, new byte[32]));
    assertThrows(IllegalArgumentException.class, () -> X25519Kx.sharedSecret(aPriv, new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> X25519Kx.sharedSecret(new byte[33], bPub));
    assertThrows(IllegalArgumentException.class, () -> X25519Kx.sharedSecret(null, bPub));
    assertThrows(IllegalArgumentException.class, () -> X25519Kx.seedKeyPair(new byte[16]));
    assertThrows(IllegalArgumentException.class, () -> Ed25519.seedKeyPair(new byte[31]));
  }

  @Test
  void keyPairTextNeverShowsThePrivateKey() {
    KeyPair keys = Vectors.dsEncryptionKeys();
    String shown = keys.toString();
    assertEquals(false, shown.contains(keys.privateKeyBase64()));
    assertEquals(true, shown.contains(keys.publicKeyBase64()));
  }

  static String creationMessage(String address, String nonce) {
    return "dm3.chat wants you to sign in with your Ethereum account:\n" + address
        + "\n\nConnect the DM3 MESSENGER with your wallet. Keys for secure communication are derived from this signature."
        + "\n\n(There is no paid transaction initiated. The signature is used off-chain only.)"
        + "\n\nURI: https://dm3.chat\nVersion: 1\nNonce: " + nonce;
  }
}
