package dev.dm3relay.protocol.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.protocol.model.UserProfile;
import dev.dm3relay.protocol.sender.WalletUser;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileKeyCheckTest {

  private static final Base64.Encoder B64 = Base64.getEncoder();

  private static UserProfile with(String encryption, String signing) {
    return new UserProfile(encryption, signing, List.of("ds.dm3.eth"));
  }

  @Test
  void aMessengersProfileIsUsable() {
    assertEquals(Optional.empty(), ProfileKeyCheck.problem(WalletUser.create().profile().profile()));
  }

  @Test
  void keysThatCannotWorkAreNamed() {
    UserProfile good = WalletUser.create().profile().profile();
    String signing = good.publicSigningKey();
    String encryption = good.publicEncryptionKey();
    byte[] lowOrder = new byte[32];
    lowOrder[0] = 1; // the point of order 1 (u = 1)... and u = 0 below: both low order
    for (String badEncryption :
        List.of(B64.encodeToString(new byte[32]), B64.encodeToString(lowOrder), B64.encodeToString(new byte[33]), "not base64!", "")) {
      assertTrue(ProfileKeyCheck.problem(with(badEncryption, signing)).orElseThrow().startsWith("publicEncryptionKey"), badEncryption);
    }
    byte[] identity = new byte[32];
    identity[0] = 1; // the Ed25519 neutral element: y = 1
    for (String badSigning : List.of(B64.encodeToString(identity), B64.encodeToString(new byte[31]), "%%%")) {
      assertTrue(ProfileKeyCheck.problem(with(encryption, badSigning)).orElseThrow().startsWith("publicSigningKey"), badSigning);
    }
  }
}
