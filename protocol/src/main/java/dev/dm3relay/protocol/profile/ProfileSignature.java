package dev.dm3relay.protocol.profile;

import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.model.UserProfile;

/**
 * The account's EIP-191 signature that binds a dm3 profile to an Ethereum address (§3.6). A relay
 * accepts a profile for an address only if the signer recovered from it is that address.
 */
public final class ProfileSignature {

  private ProfileSignature() {}

  /** The exact text signed; note the reference's "wants you register" (sic). */
  public static String message(String address, UserProfile profile) {
    return "dm3.chat wants you register your dm3 profile with your Ethereum account:\n"
        + Ethereum.checksumAddress(address)
        + "\n\nThis is required only once!\n(There is no paid transaction initiated. The signature"
        + " is used off-chain only.)\n\nURI: https://dm3.chat\nVersion: 1\ndm3 Profile: "
        + profile.canonical();
  }

  /** Whether {@code signed} was signed by {@code address}; false for any malformed input. */
  public static boolean isSignedBy(SignedUserProfile signed, String address) {
    if (!Ethereum.isAddress(address)) {
      return false;
    }
    try {
      String signer = Ethereum.recoverPersonalSigner(message(address, signed.profile()), signed.signature());
      return signer.equals(Ethereum.checksumAddress(address));
    } catch (RuntimeException malformedSignature) {
      return false;
    }
  }

  /** Signs a profile with a wallet key, as a messenger does at sign-up. */
  public static SignedUserProfile sign(byte[] walletPrivateKey, UserProfile profile) {
    String address = Ethereum.addressOf(walletPrivateKey);
    return new SignedUserProfile(profile, Ethereum.personalSign(walletPrivateKey, message(address, profile)));
  }
}
