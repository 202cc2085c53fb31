package dev.dm3relay.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import dev.dm3relay.protocol.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class JwtTest {

  private static final byte[] VECTOR_KEY =
      Base64.getDecoder().decode(Vectors.at("/jwt/dsSigningPrivateKey").asText());
  private static final Jwt JWT = Jwt.forSigningPrivateKey(VECTOR_KEY);

  // §8 TV2 signing private key and the TV12 tokens
  private static final byte[] TV2_KEY =
      Base64.getDecoder()
          .decode("+DpeBjCzICFoi743/466yJunsHR55Bhr3GnqcS4cuJX62QNBZl+/2LEGY5ux/y2BMdNlqPAAT2a5O0UBSPZ70g==");

  @Test
  void serverSecretIsTheHexOfSha256OfThePrivateKey() {
    assertEquals(Vectors.at("/jwt/serverSecret").asText(), Jwt.serverSecret(VECTOR_KEY));
    assertEquals("0x0f8e8b9fa323e65c4256d1505ae29265ce37912ad9e61799ad54628b9bb4f450", Jwt.serverSecret(TV2_KEY));
  }

  @Test
  void issuesTheReferenceTokensByteForByte() {
    JsonNode auth = Vectors.at("/jwt/authToken");
    assertEquals(
        auth.get("token").asText(),
        JWT.issueAuthToken(auth.at("/payload/account").asText(), auth.at("/payload/iat").asLong()));
    JsonNode profile = Vectors.at("/jwt/profileToken");
    assertEquals(
        profile.get("token").asText(),
        JWT.issueAuthToken(profile.at("/payload/account").asText(), profile.at("/payload/iat").asLong()));
    JsonNode challenge = Vectors.at("/jwt/challengeToken");
    assertEquals(
        challenge.get("token").asText(),
        JWT.issueChallenge(
            challenge.at("/payload/account").asText(),
            challenge.at("/payload/challenge").asText(),
            challenge.at("/payload/iat").asLong()));
    assertEquals(
        challenge.get("payloadJson").asText(),
        new String(Base64.getUrlDecoder().decode(challenge.get("token").asText().split("\\.")[1]), StandardCharsets.UTF_8));

    Jwt tv12 = Jwt.forSigningPrivateKey(TV2_KEY);
    assertEquals(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY2NvdW50IjoiYWxpY2UuZXRoIiwiaWF0IjoxNzAwMDAwMDAwLCJuYmYiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMH0.fz4aNi2q_BTNkxz1UyZ9xF5A08Stx154jBnYEt7okAY",
        tv12.issueAuthToken("alice.eth", 1700000000L));
    assertEquals(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY2NvdW50IjoiYWxpY2UuZXRoIiwiY2hhbGxlbmdlIjoiM2YxZDJjNGUtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAwIiwiaWF0IjoxNzAwMDAwMDAwLCJuYmYiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMDkwMH0.6hTey_v4b4xG4BWpDcz4xJAWkqG0VV8mhRqUHXmQSZw",
        tv12.issueChallenge("alice.eth", "3f1d2c4e-0000-4000-8000-000000000000", 1700000000L));
  }

  @TestFactory
  Stream<DynamicTest> decidesEveryTokenCheckAsTheReference() {
    return Vectors.list("/jwt/tokenChecks").stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.get("id").asText() + ": " + c.get("reason").asText(),
                    () -> {
                      boolean valid;
                      try {
                        JWT.verifyAuthToken(
                            c.get("token").asText(),
                            // the route normalises its name first; for these ASCII names nameprep is lower-casing
                            c.get("pathName").asText().toLowerCase(Locale.ROOT),
                            c.get("nowSeconds").asLong());
                        valid = true;
                      } catch (InvalidTokenException e) {
                        valid = false;
                      }
                      assertEquals(c.get("expectedValid").asBoolean(), valid);
                    }));
  }

  @Test
  void challengesVerifyOnlyWithTheirOwnClaimsAndLifetime() {
    JsonNode challenge = Vectors.at("/jwt/challengeToken");
    String token = challenge.get("token").asText();
    long iat = challenge.at("/payload/iat").asLong();
    Jwt.Claims claims = JWT.verifyChallenge(token, iat + 10);
    assertEquals("6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b", claims.challenge());
    assertEquals("alice.eth", claims.account());
    assertThrows(InvalidTokenException.class, () -> JWT.verifyChallenge(token, iat + 900));
    // an auth token is not a challenge, and a challenge is not an auth token
    String auth = Vectors.at("/jwt/authToken/token").asText();
    assertThrows(InvalidTokenException.class, () -> JWT.verifyChallenge(auth, iat + 10));
    assertThrows(InvalidTokenException.class, () -> JWT.verifyAuthToken(token, "alice.eth", iat + 10));
  }

  @Test
  void refusesOtherAlgorithmsAndTamperedTokens() {
    String token = JWT.issueAuthToken("alice.eth", 1000);
    String[] parts = token.split("\\.");
    String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    assertThrows(InvalidTokenException.class, () -> JWT.verifyAuthToken(none, "alice.eth", 1001));
    String hs512 = b64("{\"alg\":\"HS512\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2];
    assertThrows(InvalidTokenException.class, () -> JWT.verifyAuthToken(hs512, "alice.eth", 1001));
    String otherPayload = parts[0] + "." + b64("{\"account\":\"bob.eth\",\"iat\":1000,\"nbf\":1000,\"exp\":4600}") + "." + parts[2];
    assertThrows(InvalidTokenException.class, () -> JWT.verifyAuthToken(otherPayload, "bob.eth", 1001));
    for (int i = 0; i < token.length(); i++) {
      char[] chars = token.toCharArray();
      chars[i] = chars[i] == 'A' ? 'B' : 'A';
      String flipped = new String(chars);
      if (flipped.equals(token)) {
        continue;
      }
      assertThrows(InvalidTokenException.class, () -> JWT.verifyAuthToken(flipped, "alice.eth", 1001), "position " + i);
    }
    for (String junk : new String[] {"", "a.b", "a.b.c.d", "....", "x.y.z"}) {
      assertThrows(InvalidTokenException.class, () -> JWT.verifyAuthToken(junk, "alice.eth", 1001));
    }
    assertEquals("alice.eth", JWT.verifyAuthToken(token, "alice.eth", 1001).account());
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
