package dev.dm3relay.protocol.profile;

import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.KeyPair;
import dev.dm3relay.protocol.crypto.X25519Kx;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A dm3 account's keys, derived from one wallet signature as dm3 messengers derive them (§3.5):
 * the wallet personal-signs {@link #creationMessage}, the storage key is sha256 of the signature's
 * {@code 0x…} text, and that 32-byte seed gives both the X25519 and the Ed25519 key pair.
 */
public record ProfileKeys(byte[] storageKey, KeyPair encryption, KeyPair signing) {

  /** sha256hex("dm3_default_nonce"). */
  public static final String DEFAULT_NONCE =
      "0xa1b38837dd52e70a250ac2bf3e19f1599833e9d30662bf69a1c12e5747ed9f65";

  /** The exact text a wallet signs to create its dm3 keys; {@code address} is checksummed here. */
  public static String creationMessage(String address, String nonce) {
    return "dm3.chat wants you to sign in with your Ethereum account:\n"
        + Ethereum.checksumAddress(address)
        + "\n\nConnect the DM3 MESSENGER with your wallet. Keys for secure communication are derived"
        + " from this signature.\n\n(There is no paid transaction initiated. The signature is used"
        + " off-chain only.)\n\nURI: https://dm3.chat\nVersion: 1\nNonce: "
        + nonce;
  }

  /** sha256 of the UTF-8 bytes of the signature's hex text (not of the signature bytes). */
  public static byte[] storageKey(String signatureHex) {
    return Hashes.sha256(signatureHex.getBytes(StandardCharsets.UTF_8));
  }

  /** Keys from the wallet's signature over {@link #creationMessage}. */
  public static ProfileKeys fromSignature(String signatureHex) {
    return fromSeed(storageKey(signatureHex));
  }

  /** Keys from a 32-byte seed; the reference CLI derives delivery-service keys this way too. */
  public static ProfileKeys fromSeed(byte[] seed) {
    return new ProfileKeys(seed.clone(), X25519Kx.seedKeyPair(seed), Ed25519.seedKeyPair(seed));
  }

  /** Signs the creation message with a wallet key and derives the keys: what a messenger does at sign-up. */
  public static ProfileKeys forWallet(byte[] walletPrivateKey, String nonce) {
    String message = creationMessage(Ethereum.addressOf(walletPrivateKey), nonce);
    return fromSignature(Ethereum.personalSign(walletPrivateKey, message));
  }

  public String storageKeyBase64() {
    return Base64.getEncoder().encodeToString(storageKey);
  }

  @Override
  public byte[] storageKey() {
    return storageKey.clone();
  }
}
