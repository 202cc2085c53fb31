package dev.dm3relay.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Session tokens: the reference's shape, but bound to the account's address and signing key. */
class SessionTokenTest {

  private static final Jwt JWT = Jwt.forSigningPrivateKey(new byte[64]);
  private static final Jwt OTHER_RELAY = Jwt.forSigningPrivateKey(filled(64, (byte) 7));
  private static final Jwt.AccountKey KEY = new Jwt.AccountKey("0xAbC0000000000000000000000000000000000001", "c2lnbmluZyBrZXkgb25l");
  private static final Jwt.AccountKey ROTATED = new Jwt.AccountKey(KEY.checksummedAddress(), "c2lnbmluZyBrZXkgdHdv");
  private static final long NOW = 1_800_000_000L;

  private static byte[] filled(int length, byte value) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, value);
    return bytes;
  }

  private static String payload(String token) {
    return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
  }

  @Test
  void looksLikeTheReferencesTokenAndVerifiesForItsKeyOnly() {
    String token = JWT.issueSessionToken("alice.eth", KEY, NOW);
    assertEquals("{\"account\":\"alice.eth\",\"iat\":1800000000,\"nbf\":1800000000,\"exp\":1800003600}", payload(token));
    assertEquals(NOW + 3600, JWT.verifySessionToken(token, "alice.eth", KEY, NOW + 10).exp());

    assertThrows(InvalidTokenException.class, () -> JWT.verifySessionToken(token, "alice.eth", ROTATED, NOW), "rotated key");
    assertThrows(
        InvalidTokenException.class,
        () -> JWT.verifySessionToken(token, "alice.eth", new Jwt.AccountKey("0xAbC0000000000000000000000000000000000002", KEY.publicSigningKeyBase64()), NOW),
        "another address");
    assertThrows(InvalidTokenException.class, () -> JWT.verifySessionToken(token, "bob.eth", KEY, NOW), "another name");
    assertThrows(InvalidTokenException.class, () -> OTHER_RELAY.verifySessionToken(token, "alice.eth", KEY, NOW), "another relay");
    assertThrows(InvalidTokenException.class, () -> JWT.verifySessionToken(token, "alice.eth", KEY, NOW + 3600), "expired");
  }

  @Test
  void neitherTheReferencesTokenNorARegistrationReceiptIsASessionToken() {
    String reference = JWT.issueAuthToken("alice.eth", NOW);
    assertThrows(InvalidTokenException.class, () -> JWT.verifySessionToken(reference, "alice.eth", KEY, NOW));
    String receipt = JWT.issueRegistrationReceipt("alice.eth", NOW);
    assertEquals(payload(reference), payload(receipt), "the same claims the reference's token has");
    assertNotEquals(reference, receipt);
    assertThrows(InvalidTokenException.class, () -> JWT.verifySessionToken(receipt, "alice.eth", KEY, NOW));
    assertThrows(InvalidTokenException.class, () -> JWT.verifyAuthToken(receipt, "alice.eth", NOW));
    // and a session token is not one of the reference's either
    String session = JWT.issueSessionToken("alice.eth", KEY, NOW);
    assertThrows(InvalidTokenException.class, () -> JWT.verifyAuthToken(session, "alice.eth", NOW));
  }

  @Test
  void aChallengeIsNeverASessionToken() {
    String challenge = JWT.issueChallenge("alice.eth", "c-1", NOW);
    assertThrows(InvalidTokenException.class, () -> JWT.verifySessionToken(challenge, "alice.eth", KEY, NOW));
  }
}
