package dev.dm3relay.protocol.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.model.DeliveryServiceProfile;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.testing.Vectors;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProfileUriTest {

  @Test
  void readsTheVectorDataUrisInEveryEncoding() {
    for (JsonNode c : Vectors.list("/profiles/cases")) {
      String canonical = c.get("signedProfileCanonical").asText();
      for (String field : new String[] {"dataUri", "dataUriBase64"}) {
        ProfileUri.DataUri uri = assertInstanceOf(ProfileUri.DataUri.class, ProfileUri.parse(c.get(field).asText()));
        assertEquals(canonical, SignedUserProfile.fromJson(uri.json()).canonical());
      }
      String percent =
          "data:application/json," + URLEncoder.encode(canonical, StandardCharsets.UTF_8).replace("+", "%20");
      ProfileUri.DataUri decoded = assertInstanceOf(ProfileUri.DataUri.class, ProfileUri.parse(percent));
      assertEquals(canonical, CanonicalJson.stringify(decoded.json()));
    }
    ProfileUri.DataUri ds =
        assertInstanceOf(
            ProfileUri.DataUri.class, ProfileUri.parse(Vectors.at("/deliveryService/profileDataUri").asText()));
    assertEquals(Vectors.at("/deliveryService/profileCanonical").asText(), DeliveryServiceProfile.fromJson(ds.json()).canonical());
  }

  @Test
  void aLiteralPercentInPlainJsonIsNotDecoded() {
    ProfileUri.DataUri uri =
        assertInstanceOf(ProfileUri.DataUri.class, ProfileUri.parse("data:application/json,{\"a\":\"100%25\"}"));
    assertEquals("100%25", uri.json().get("a").asText());
  }

  @Test
  void charsetAndBase64Parameters() {
    ProfileUri.DataUri latin =
        assertInstanceOf(
            ProfileUri.DataUri.class,
            ProfileUri.parse(
                "data:application/json;charset=ISO-8859-1;base64,"
                    + java.util.Base64.getEncoder().encodeToString("{\"n\":\"é\"}".getBytes(StandardCharsets.ISO_8859_1))));
    assertEquals("é", latin.json().get("n").asText());
  }

  @Test
  void refusesWhatTheReferenceRefuses() {
    assertThrows(InvalidProfileUriException.class, () -> ProfileUri.parse("data:text/plain,{}"));
    assertThrows(InvalidProfileUriException.class, () -> ProfileUri.parse("data:application/json,{\n}"));
    assertThrows(InvalidProfileUriException.class, () -> ProfileUri.parse("data:application/json;base64,%%%"));
    assertThrows(InvalidProfileUriException.class, () -> ProfileUri.parse("data:application/json,not json"));
    assertThrows(InvalidProfileUriException.class, () -> ProfileUri.parse("ftp://example.org/p.json"));
    assertThrows(InvalidProfileUriException.class, () -> ProfileUri.parse(""));
    assertThrows(InvalidProfileUriException.class, () -> ProfileUri.parse("{\"profile\":{}}"));
  }

  @Test
  void linksCarryTheirHashAndCheckWhatWasFetched() {
    JsonNode c = Vectors.list("/profiles/cases").get(0);
    String body = c.get("signedProfileCanonical").asText();
    String hash = Hashes.sha256Hex(body);
    ProfileUri.LinkUri link =
        assertInstanceOf(
            ProfileUri.LinkUri.class, ProfileUri.parse("https://profiles.example.org/alice?dm3Hash=" + hash));
    assertEquals(hash, link.dm3Hash());
    // the hash is over the canonical form, so whitespace and key order in the body do not matter
    String pretty = "{ \"signature\": " + c.at("/signedProfile/signature").toString() + ", \"profile\": " + c.at("/signedProfile/profile").toString() + " }";
    assertEquals(body, CanonicalJson.stringify(link.verify(pretty)));
    String tampered = body.replace(c.at("/profile/publicEncryptionKey").asText(), "AAAA");
    assertThrows(InvalidProfileUriException.class, () -> link.verify(tampered));
    ProfileUri.LinkUri noHash =
        assertInstanceOf(ProfileUri.LinkUri.class, ProfileUri.parse("http://profiles.example.org/alice"));
    assertThrows(InvalidProfileUriException.class, () -> noHash.verify(body));
    ProfileUri.LinkUri upperHash =
        assertInstanceOf(ProfileUri.LinkUri.class, ProfileUri.parse("https://x.org/a?dm3Hash=" + hash.toUpperCase().replace("0X", "0x")));
    assertThrows(InvalidProfileUriException.class, () -> upperHash.verify(body), "exact text comparison");
  }

  @Test
  void ipfsRecordsGoThroughTheGateway() {
    ProfileUri.IpfsUri ipfs =
        assertInstanceOf(ProfileUri.IpfsUri.class, ProfileUri.parse("ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/readme"));
    assertEquals(
        "https://www.ipfs.io/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/readme", ipfs.gatewayUrl().toString());
  }
}
