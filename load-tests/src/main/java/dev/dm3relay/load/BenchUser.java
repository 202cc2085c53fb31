package dev.dm3relay.load;

import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.model.UserProfile;
import dev.dm3relay.protocol.profile.ProfileKeys;
import dev.dm3relay.protocol.profile.ProfileSignature;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A messenger account as a dm3 client creates it: a wallet, keys derived from the wallet's
 * signature over the creation message, and the profile signed by the wallet.
 */
public record BenchUser(byte[] wallet, String address, String name, ProfileKeys keys, SignedUserProfile profile) {

  /**
   * A user from a deterministic wallet: {@code random} is seeded per run, so a failed run can be
   * reproduced, and two runs against the same relay use different accounts.
   */
  public static BenchUser create(Random random) {
    byte[] wallet = new byte[32];
    random.nextBytes(wallet);
    wallet[0] &= 0x7f; // below the secp256k1 group order
    wallet[31] |= 1; // never zero
    String address = Ethereum.addressOf(wallet);
    ProfileKeys keys = ProfileKeys.forWallet(wallet, ProfileKeys.DEFAULT_NONCE);
    UserProfile profile =
        new UserProfile(
            Base64.getEncoder().encodeToString(keys.encryption().publicKey()),
            Base64.getEncoder().encodeToString(keys.signing().publicKey()),
            List.of("ds.dm3.eth"));
    return new BenchUser(wallet, address, address.toLowerCase() + ".addr.dm3.eth", keys, ProfileSignature.sign(wallet, profile));
  }
}
