package dev.dm3relay.node.registration;

import static dev.dm3relay.node.UseCases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.FakeNames;
import dev.dm3relay.node.RelayConfig;
import dev.dm3relay.node.UseCases;
import dev.dm3relay.node.auth.Sessions;
import dev.dm3relay.node.ens.EnsConfig;
import dev.dm3relay.node.ens.PublishedProfiles;
import dev.dm3relay.node.mailbox.InMemoryMailboxService;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.sender.WalletUser;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The register-profile use case on in-memory ports: signature shapes, keys, replacement. */
class ProfileRegistrationsTest {

  private static final BigInteger N = new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

  private final InMemoryMailboxService mailboxes = new InMemoryMailboxService();
  private final FakeNames names = new FakeNames(false);
  private final Sessions sessions = UseCases.sessions(names, mailboxes, Clock.systemUTC());
  private final ProfileRegistrations registrations =
      new ProfileRegistrations(
          names,
          mailboxes,
          sessions,
          PublishedProfiles.of(names, EnsConfig.from(RelayConfig.load(ConfigFactory.empty(), Map.of()))),
          UseCases.NO_LIMITS);

  private ProfileRegistrations.Result register(WalletUser user, SignedUserProfile profile, Optional<String> token) throws Exception {
    return await(registrations.register(user.name(), profile, token, "127.0.0.1"));
  }

  private static SignedUserProfile withSignature(WalletUser user, UnaryOperator<String> change) {
    return new SignedUserProfile(user.profile().profile(), change.apply(user.profile().signature()));
  }

  private static String word(BigInteger n) {
    return String.format("%64s", n.toString(16)).replace(' ', '0');
  }

  /** The signature's v byte (27 or 28). */
  private static int v(String signature) {
    return Integer.parseInt(signature.substring(130), 16);
  }

  private static String withV(String signature, int v) {
    return signature.substring(0, 130) + String.format("%02x", v);
  }

  private void accepted(String shape, UnaryOperator<String> change) throws Exception {
    WalletUser user = WalletUser.create();
    assertInstanceOf(ProfileRegistrations.Result.Registered.class, register(user, withSignature(user, change), Optional.empty()), shape);
  }

  private void refused(String shape, UnaryOperator<String> change) throws Exception {
    WalletUser user = WalletUser.create();
    assertInstanceOf(ProfileRegistrations.Result.NotSignedByAddress.class, register(user, withSignature(user, change), Optional.empty()), shape);
  }

  @Test
  void signaturesAreTakenInEveryShapeEthersTakesAndNoOther() throws Exception {
    // what ethers 5.7.2 recovers the signer from (pinned in protocol's ethers-signatures.json)
    accepted("as signed", sig -> sig);
    accepted("v as a recovery id", sig -> withV(sig, v(sig) - 27));
    accepted("v + 2 (parity by v % 2)", sig -> withV(sig, v(sig) + 2));
    accepted("upper-case digits", sig -> "0x" + sig.substring(2).toUpperCase(Locale.ROOT));
    accepted(
        "EIP-2098 compact",
        sig -> {
          BigInteger s = new BigInteger(sig.substring(66, 130), 16);
          return sig.substring(0, 66) + word(v(sig) == 28 ? s.setBit(255) : s);
        });
    accepted(
        "high s with the other v",
        sig -> sig.substring(0, 66) + word(N.subtract(new BigInteger(sig.substring(66, 130), 16))) + String.format("%02x", 55 - v(sig)));
    // and what it refuses, or recovers another address from: the profile is not the address's
    refused("the other parity", sig -> withV(sig, 55 - v(sig)));
    refused("v 2", sig -> withV(sig, 2));
    refused("no 0x", sig -> sig.substring(2));
    refused("0X", sig -> "0X" + sig.substring(2));
    refused("a non-ASCII digit", sig -> sig.replaceFirst("3", "\u0663"));
    refused("66 bytes", sig -> sig + "00");
    refused("s = 0", sig -> sig.substring(0, 66) + "0".repeat(64) + sig.substring(130));
  }

  @Test
  void unusableKeysAreRefused() throws Exception {
    WalletUser user = WalletUser.create();
    var keys = user.profile().profile();
    var lowOrder =
        dev.dm3relay.protocol.profile.ProfileSignature.sign(
            user.wallet(),
            new dev.dm3relay.protocol.model.UserProfile("A".repeat(43) + "=", keys.publicSigningKey(), keys.deliveryServices()));
    assertInstanceOf(ProfileRegistrations.Result.UnusableKeys.class, register(user, lowOrder, Optional.empty()));
  }

  @Test
  void aRegisteredProfileIsReplacedOnlyWithASessionOfItsKey() throws Exception {
    WalletUser v1 = WalletUser.create();
    WalletUser v2 = v1.withNonce(Hashes.sha256Hex("second device"));
    assertEquals(true, ((ProfileRegistrations.Result.Registered) register(v1, v1.profile(), Optional.empty())).changed());
    assertEquals(false, ((ProfileRegistrations.Result.Registered) register(v1, v1.profile(), Optional.empty())).changed(), "idempotent");
    assertInstanceOf(ProfileRegistrations.Result.Conflict.class, register(v2, v2.profile(), Optional.empty()), "no proof");
    assertInstanceOf(
        ProfileRegistrations.Result.Conflict.class,
        register(v2, v2.profile(), Optional.of(sessions.registrationReceipt(v1.address()))),
        "the sign-up receipt is no proof");

    String token = UseCases.login(sessions, v1);
    assertInstanceOf(ProfileRegistrations.Result.Registered.class, register(v2, v2.profile(), Optional.of(token)));
    assertEquals(v2.profile().canonical(), ((ProfileRegistrations.Lookup.Found) await(registrations.lookup(v1.name()))).account().profile().canonical());
    assertInstanceOf(
        ProfileRegistrations.Result.Conflict.class, register(v1, v1.profile(), Optional.of(token)), "the old key's session proves nothing now");
  }

  @Test
  void lookupsTellUnresolvableFromUnregistered() throws Exception {
    WalletUser user = WalletUser.create();
    assertInstanceOf(ProfileRegistrations.Lookup.NotRegistered.class, await(registrations.lookup(user.name())));
    assertInstanceOf(ProfileRegistrations.Lookup.Unresolvable.class, await(registrations.lookup("nobody.eth")));
    assertInstanceOf(ProfileRegistrations.Result.Unresolvable.class, await(registrations.register("nobody.eth", user.profile(), Optional.empty(), "127.0.0.1")));
    names.register("somebody.eth", WalletUser.create().address());
    assertInstanceOf(ProfileRegistrations.Result.NotSignedByAddress.class, await(registrations.register("somebody.eth", user.profile(), Optional.empty(), "127.0.0.1")));
  }
}
