package dev.dm3relay.protocol.sender;

import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.model.UserProfile;
import dev.dm3relay.protocol.profile.ProfileKeys;
import dev.dm3relay.protocol.profile.ProfileSignature;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A dm3 account as a client creates it: a wallet, the keys derived from the wallet's signature
 * over the creation message, the profile signed by the wallet, and the {@code
 * <address>.addr.dm3.eth} name that resolves without a chain. Used by test clients and the load
 * generator to act as messengers.
 */
public record WalletUser(byte[] wallet, String address, String name, ProfileKeys keys, SignedUserProfile profile) {

  /** A user with a random wallet. */
  public static WalletUser create() {
    return create(new SecureRandom());
  }

  /** A user whose wallet comes from {@code random}: seeded, the same user again. */
  public static WalletUser create(Random random) {
    byte[] wallet = new byte[32];
    random.nextBytes(wallet);
    wallet[0] &= 0x7f; // below the secp256k1 group order
    wallet[31] |= 1; // never zero
    return withWallet(wallet, ProfileKeys.DEFAULT_NONCE);
  }

  /**
   * The user of a given wallet key (32 bytes): a key derived from a secret, say, gives the same user
   * on every start. The key is clamped as {@link #create(Random)} clamps a random one.
   */
  public static WalletUser ofWallet(byte[] walletKey) {
    if (walletKey.length != 32) {
      throw new IllegalArgumentException("a wallet key is 32 bytes");
    }
    byte[] wallet = walletKey.clone();
    wallet[0] &= 0x7f;
    wallet[31] |= 1;
    return withWallet(wallet, ProfileKeys.DEFAULT_NONCE);
  }

  /**
   * The same wallet with keys derived from another nonce: what a messenger does when the user
   * rotates keys. The new profile is as validly signed by the wallet as the old one.
   */
  public WalletUser withNonce(String nonce) {
    return withWallet(wallet, nonce);
  }

  private static WalletUser withWallet(byte[] wallet, String nonce) {
    String address = Ethereum.addressOf(wallet);
    ProfileKeys keys = ProfileKeys.forWallet(wallet, nonce);
    UserProfile profile =
        new UserProfile(
            Base64.getEncoder().encodeToString(keys.encryption().publicKey()),
            Base64.getEncoder().encodeToString(keys.signing().publicKey()),
            List.of("ds.dm3.eth"));
    return new WalletUser(wallet, address, address.toLowerCase() + ".addr.dm3.eth", keys, ProfileSignature.sign(wallet, profile));
  }
}
