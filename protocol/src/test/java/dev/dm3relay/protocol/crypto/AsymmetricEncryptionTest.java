package dev.dm3relay.protocol.crypto;

import static dev.dm3relay.protocol.crypto.Vectors.b64;
import static dev.dm3relay.protocol.crypto.Vectors.hex;
import static dev.dm3relay.protocol.crypto.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** §3.2 asymmetric encryption against the deterministic vectors, the envelopes and tampering. */
class AsymmetricEncryptionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void deterministicCasesByteForByte() {
    for (JsonNode c : Vectors.deterministicEncryptions()) {
      String id = text(c, "id");
      KeyPair ephemeral = X25519Kx.seedKeyPair(hex(c, "ephemeralSeed"));
      assertArrayEquals(b64(c, "ephemeralPublicKey"), ephemeral.publicKey(), id);
      assertArrayEquals(b64(c, "ephemeralPrivateKey"), ephemeral.privateKey(), id);
      assertArrayEquals(hex(c, "x25519SharedSecret"),
          X25519Kx.sharedSecret(ephemeral.privateKey(), b64(c, "recipientPublicKey")), id);
      byte[] sessionKeys = AsymmetricEncryption.sessionKeys(
          hex(c, "x25519SharedSecret"), ephemeral.publicKey(), b64(c, "recipientPublicKey"));
      assertArrayEquals(b64(c, "sessionKeyRx"), Arrays.copyOfRange(sessionKeys, 0, 32), id);
      assertArrayEquals(b64(c, "sessionKeyTx"), Arrays.copyOfRange(sessionKeys, 32, 64), id);

      byte[] plaintext = utf8(text(c, "plaintext"));
      assertEquals(c.required("plaintextUtf8Length").asInt(), plaintext.length, id);
      byte[] padded = Padding.pad2048(plaintext);
      assertEquals(c.required("paddedLength").asInt(), padded.length, id);
      assertArrayEquals(hex(c, "paddedPlaintextSha256"), Hashes.sha256(padded), id);

      SealedPayload sealed = AsymmetricEncryption.encrypt(
          b64(c, "recipientPublicKey"), plaintext, ephemeral, hex(c, "nonce"));
      assertEquals(c.required("ciphertextLength").asInt(), sealed.ciphertext().length, id);
      assertEquals(Vectors.payload(c.required("payload")), sealed, id);
      assertEquals(text(c, "payloadCanonical"), canonical(sealed), id);

      KeyPair recipient = KeyPair.fromBase64(text(c, "recipientPublicKey"), text(c, "recipientPrivateKey"));
      assertArrayEquals(plaintext, AsymmetricEncryption.decrypt(recipient, sealed), id);
    }
  }

  @Test
  void decryptTv6() {
    KeyPair receiver = KeyPair.fromBase64(
        "x131spvZZX6mDTIniaUN5N27or8XlllvasXb9myGvXQ=", "uDcUwbIDrLF4gd70nzYz3KdmK4i6rrEr191vofBbDQI=");
    SealedPayload payload = SealedPayload.fromEncoded(TV6_CIPHERTEXT,
        "MpPONOetq9kyQftSgHeZW5xNCFEfI9KJZvyszDUtj1I=", "0xd66632e713a195a9235011ff");
    assertArrayEquals(Hex.decode("cad533eecf2b0725727e712feafe5fc48936f28affcb10f24cd93af3a6963266"),
        Hashes.sha256(payload.ciphertext()));
    assertEquals("test", new String(AsymmetricEncryption.decrypt(receiver, payload), StandardCharsets.UTF_8));
  }

  @Test
  void everyEnvelopeMessageOpensWithBobsKey() throws IOException {
    KeyPair bob = Vectors.keyPair(Vectors.wallet("bob").required("encryptionKeyPair"));
    for (JsonNode c : Vectors.envelopeCases()) {
      JsonNode envelope = JSON.readTree(text(c.required("submit"), "canonical"));
      SealedPayload message = Vectors.payload(envelope.required("message").asText());
      JsonNode info = c.path("encryption").required("message");
      assertArrayEquals(b64(info, "ephemPublicKey"), message.ephemPublicKey());
      assertEquals(info.required("ciphertextLength").asInt(), message.ciphertext().length);
      assertEquals(text(c.required("expected"), "decryptedMessage"),
          new String(AsymmetricEncryption.decrypt(bob, message), StandardCharsets.UTF_8), text(c, "id"));
    }
  }

  @Test
  void everyDeliveryInformationOpensWithTheDsKeyOrFailsAsExpected() throws IOException {
    KeyPair ds = Vectors.dsEncryptionKeys();
    int failures = 0;
    for (JsonNode c : Vectors.envelopeCases()) {
      String id = text(c, "id");
      JsonNode envelope = JSON.readTree(text(c.required("submit"), "canonical"));
      SealedPayload info = Vectors.payload(envelope.path("metadata").required("deliveryInformation").asText());
      JsonNode expected = c.required("expected");
      if (expected.required("deliveryInformationDecrypts").asBoolean()) {
        assertEquals(text(expected, "decryptedDeliveryInformation"),
            new String(AsymmetricEncryption.decrypt(ds, info), StandardCharsets.UTF_8), id);
      } else {
        assertThrows(DecryptionException.class, () -> AsymmetricEncryption.decrypt(ds, info), id);
        failures++;
      }
      JsonNode foreign = c.path("foreignDeliveryService");
      if (!foreign.isMissingNode()) {
        KeyPair foreignKeys = Vectors.keyPair(foreign.required("encryptionKeyPair"));
        assertEquals(foreignKeys, X25519Kx.seedKeyPair(hex(foreign, "seed")), id);
        assertEquals(text(c.required("deliveryInformation"), "canonical"),
            new String(AsymmetricEncryption.decrypt(foreignKeys, info), StandardCharsets.UTF_8), id);
      }
    }
    assertEquals(4, failures, "the foreign-ds and corrupted-di cases");
  }

  @Test
  void reproducibleEnvelopesAreReencryptedByteForByte() throws IOException {
    int reproduced = 0;
    for (JsonNode c : Vectors.envelopeCases()) {
      if (!c.required("reproducible").asBoolean()) {
        continue;
      }
      JsonNode envelope = JSON.readTree(text(c.required("submit"), "canonical"));
      JsonNode messageInfo = c.path("encryption").required("message");
      SealedPayload message = AsymmetricEncryption.encrypt(b64(messageInfo, "recipientPublicKey"),
          utf8(text(c.required("expected"), "decryptedMessage")),
          X25519Kx.seedKeyPair(hex(messageInfo, "ephemeralSeed")), hex(messageInfo, "nonce"));
      assertEquals(envelope.required("message").asText(), canonical(message), text(c, "id"));

      JsonNode diInfo = c.path("encryption").required("deliveryInformation");
      SealedPayload deliveryInformation = AsymmetricEncryption.encrypt(b64(diInfo, "recipientPublicKey"),
          utf8(text(c.required("deliveryInformation"), "canonical")),
          X25519Kx.seedKeyPair(hex(diInfo, "ephemeralSeed")), hex(diInfo, "nonce"));
      assertEquals(envelope.path("metadata").required("deliveryInformation").asText(),
          canonical(deliveryInformation), text(c, "id"));
      reproduced++;
    }
    assertEquals(2, reproduced);
  }

  @Test
  void postmarkEncryptionsOfEveryAcceptedEnvelope() {
    KeyPair bob = Vectors.keyPair(Vectors.wallet("bob").required("encryptionKeyPair"));
    int checked = 0;
    for (JsonNode c : Vectors.envelopeCases()) {
      JsonNode postmark = c.path("expected").path("postmark");
      JsonNode delivered = c.path("expected").path("delivered");
      if (postmark.isMissingNode() || postmark.isNull() || delivered.isNull()) {
        continue;
      }
      JsonNode encrypted = postmark.required("encrypted");
      SealedPayload sealed = AsymmetricEncryption.encrypt(b64(encrypted, "recipientPublicKey"),
          utf8(text(postmark, "plaintext")), X25519Kx.seedKeyPair(hex(encrypted, "ephemeralSeed")), hex(encrypted, "nonce"));
      assertEquals(Vectors.payload(encrypted.required("payload")), sealed, text(c, "id"));
      assertEquals(text(encrypted, "payloadCanonical"), canonical(sealed));
      assertEquals(text(delivered, "postmark"), canonical(sealed));
      assertEquals(text(postmark, "plaintext"),
          new String(AsymmetricEncryption.decrypt(bob, Vectors.payload(text(delivered, "postmark"))), StandardCharsets.UTF_8));
      checked++;
    }
    assertTrue(checked >= 6, "only " + checked + " postmarks");
  }

  @Test
  void postmarkTv11() {
    String plaintext = "{\"incommingTimestamp\":1700000001234,\"messageHash\":\"0x802b81bf186c423d5d1a21e624ba27ee620ae6fff640c71469959918a0558d52\",\"signature\":\"C8feqkhW/DK1z4x3RjPvnwUv+xoB4VYKZ6cg0awMtTC9tlTw1p5Sl+Co80GRPma5h/8pFr9Am3r3F2AMziV9Cw==\"}";
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) 0x55);
    byte[] nonce = new byte[12];
    Arrays.fill(nonce, (byte) 0x66);
    SealedPayload sealed = AsymmetricEncryption.encrypt(
        Vectors.b64("rxMiPdfRtVi3/1C6OBfhjQ3P5jmmNAfOodqItoggOhE="), utf8(plaintext), X25519Kx.seedKeyPair(seed), nonce);
    assertEquals("pHhmUao9g/1HwftHWAj8MfB8lTXpKfFWGZSLKHhcZjk=", sealed.ephemPublicKeyBase64());
    assertArrayEquals(Hex.decode("0x697ad30052aec57e5b7f749f630ec1e823f0c9af0a8efac12979ed1e27f9d372"),
        Hashes.sha256(sealed.ciphertext()));
  }

  @Test
  void everyTamperedPartFailsWithDecryptionException() {
    KeyPair bob = Vectors.keyPair(Vectors.wallet("bob").required("encryptionKeyPair"));
    SealedPayload good = AsymmetricEncryption.encrypt(bob.publicKey(), utf8("{\"from\":\"alice.eth\",\"to\":\"bob.eth\"}"));
    assertEquals(2064, good.ciphertext().length);
    // ciphertext body (first, middle, last byte of the padded text), tag (first, last), nonce, ephemeral key
    for (int i : new int[] {0, 1, 34, 35, 1000, 2047}) {
      assertFails(bob, good, p -> new SealedPayload(flip(p.ciphertext(), i), p.ephemPublicKey(), p.nonce()), "ciphertext " + i);
    }
    for (int i : new int[] {2048, 2055, 2063}) {
      assertFails(bob, good, p -> new SealedPayload(flip(p.ciphertext(), i), p.ephemPublicKey(), p.nonce()), "tag " + i);
    }
    for (int i = 0; i < 12; i++) {
      int at = i;
      assertFails(bob, good, p -> new SealedPayload(p.ciphertext(), p.ephemPublicKey(), flip(p.nonce(), at)), "nonce " + i);
    }
    for (int i : new int[] {0, 15, 30}) {
      assertFails(bob, good, p -> new SealedPayload(p.ciphertext(), flip(p.ephemPublicKey(), i), p.nonce()), "ephemPublicKey " + i);
    }
    assertFails(bob, good, p -> new SealedPayload(Arrays.copyOf(p.ciphertext(), 2063), p.ephemPublicKey(), p.nonce()), "truncated");
    assertFails(bob, good, p -> new SealedPayload(Arrays.copyOf(p.ciphertext(), 2065), p.ephemPublicKey(), p.nonce()), "extended");
    assertFails(bob, good, p -> new SealedPayload(new byte[16], p.ephemPublicKey(), p.nonce()), "tag only");
    assertFails(bob, good, p -> new SealedPayload(null, p.ephemPublicKey(), p.nonce()), "no ciphertext");
    assertFails(bob, good, p -> new SealedPayload(p.ciphertext(), null, p.nonce()), "no ephemeral key");
    assertFails(bob, good, p -> new SealedPayload(p.ciphertext(), Arrays.copyOf(p.ephemPublicKey(), 31), p.nonce()), "short ephemeral key");
    assertFails(bob, good, p -> new SealedPayload(p.ciphertext(), new byte[32], p.nonce()), "low-order ephemeral key");
    assertFails(bob, good, p -> new SealedPayload(p.ciphertext(), p.ephemPublicKey(), null), "no nonce");
    assertFails(bob, good, p -> new SealedPayload(p.ciphertext(), p.ephemPublicKey(), Arrays.copyOf(p.nonce(), 11)), "short nonce");
    assertFails(bob, good, p -> new SealedPayload(p.ciphertext(), p.ephemPublicKey(), Arrays.copyOf(p.nonce(), 24)), "long nonce");
    assertThrows(DecryptionException.class, () -> AsymmetricEncryption.decrypt(bob, null));
    KeyPair alice = Vectors.keyPair(Vectors.wallet("alice").required("encryptionKeyPair"));
    DecryptionException wrongKey = assertThrows(DecryptionException.class, () -> AsymmetricEncryption.decrypt(alice, good));
    assertTrue(wrongKey.getMessage().contains("authentication failed"), wrongKey.getMessage());
    // the untouched payload still opens: the failures above come from the damage alone
    assertEquals("{\"from\":\"alice.eth\",\"to\":\"bob.eth\"}", new String(AsymmetricEncryption.decrypt(bob, good), StandardCharsets.UTF_8));
  }

  @Test
  void authenticCiphertextWithBadPaddingFails() {
    KeyPair bob = Vectors.keyPair(Vectors.wallet("bob").required("encryptionKeyPair"));
    KeyPair ephemeral = X25519Kx.generate();
    byte[] nonce = AsymmetricEncryption.randomNonce();
    byte[] key = AsymmetricEncryption.messageKey(
        X25519Kx.sharedSecret(ephemeral.privateKey(), bob.publicKey()), ephemeral.publicKey(), bob.publicKey());
    byte[] unpadded = new byte[2048]; // all zeros: no 0x80 marker
    SealedPayload payload = new SealedPayload(
        CryptoPrimitives.active().chachaEncrypt(key, nonce, unpadded), ephemeral.publicKey(), nonce);
    DecryptionException e = assertThrows(DecryptionException.class, () -> AsymmetricEncryption.decrypt(bob, payload));
    assertTrue(e.getMessage().contains("padding"), e.getMessage());
  }

  @Test
  void malformedEncodingsFailWithDecryptionException() {
    assertThrows(DecryptionException.class, () -> SealedPayload.fromEncoded("AAAA", null, "0x00"));
    assertThrows(DecryptionException.class, () -> SealedPayload.fromEncoded("not base64!", "AAAA", "0x00"));
    assertThrows(DecryptionException.class, () -> SealedPayload.fromEncoded("AAAA", "AAAA", "0xzz"));
  }

  /**
   * Seeded random round trips, including the padding edges. Each ciphertext is also rebuilt step by
   * step with Bouncy Castle, so a wrong but self-consistent implementation would fail here too.
   */
  @Test
  void randomRoundTrips() {
    Random random = new Random(20261122L);
    BouncyCastlePrimitives reference = new BouncyCastlePrimitives();
    int[] edges = {0, 1, 2047, 2048, 2049, 4095, 4096};
    for (int round = 0; round < 120; round++) {
      int length = round < edges.length ? edges[round] : random.nextInt(9000);
      byte[] plaintext = new byte[length];
      random.nextBytes(plaintext);
      KeyPair recipient = X25519Kx.seedKeyPair(randomBytes(random, 32));
      KeyPair ephemeral = X25519Kx.seedKeyPair(randomBytes(random, 32));
      byte[] nonce = randomBytes(random, 12);
      SealedPayload sealed = AsymmetricEncryption.encrypt(recipient.publicKey(), plaintext, ephemeral, nonce);
      String where = "round " + round + ", length " + length;
      assertEquals((length / 2048 + 1) * 2048 + 16, sealed.ciphertext().length, where);

      byte[] shared = new byte[32];
      assertTrue(reference.x25519(ephemeral.privateKey(), recipient.publicKey(), shared), where);
      byte[] kxInput = new byte[96];
      System.arraycopy(shared, 0, kxInput, 0, 32);
      System.arraycopy(ephemeral.publicKey(), 0, kxInput, 32, 32);
      System.arraycopy(recipient.publicKey(), 0, kxInput, 64, 32);
      byte[] key = Arrays.copyOfRange(reference.blake2b(64, kxInput), 32, 64);
      assertArrayEquals(reference.chachaEncrypt(key, nonce, Padding.pad2048(plaintext)), sealed.ciphertext(), where);

      assertArrayEquals(plaintext, AsymmetricEncryption.decrypt(recipient, sealed), where);
    }
  }

  @Test
  void freshEncryptionsDifferAndOpen() {
    KeyPair bob = Vectors.keyPair(Vectors.wallet("bob").required("encryptionKeyPair"));
    byte[] plaintext = utf8("same text");
    SealedPayload a = AsymmetricEncryption.encrypt(bob.publicKey(), plaintext);
    SealedPayload b = AsymmetricEncryption.encrypt(bob.publicKey(), plaintext);
    assertFalse(Arrays.equals(a.ephemPublicKey(), b.ephemPublicKey()));
    assertFalse(Arrays.equals(a.nonce(), b.nonce()));
    assertNotEquals(a, b);
    assertArrayEquals(plaintext, AsymmetricEncryption.decrypt(bob, a));
    assertArrayEquals(plaintext, AsymmetricEncryption.decrypt(bob, b));
    try (EphemeralKeyPool pool = new EphemeralKeyPool(8)) {
      SealedPayload pooled = AsymmetricEncryption.encrypt(bob.publicKey(), plaintext, pool);
      assertArrayEquals(plaintext, AsymmetricEncryption.decrypt(bob, pooled));
    }
  }

  @Test
  void encryptRejectsBadArguments() {
    KeyPair ephemeral = X25519Kx.generate();
    byte[] bob = Vectors.b64("jQ2TvKtCfYdM4Fvv3gG8rEuN33mWIRea6MKq5rGr8Gw=");
    assertThrows(IllegalArgumentException.class, () -> AsymmetricEncryption.encrypt(bob, new byte[1], ephemeral, new byte[11]));
    assertThrows(IllegalArgumentException.class, () -> AsymmetricEncryption.encrypt(new byte[31], new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> AsymmetricEncryption.encrypt(new byte[32], new byte[1]));
  }

  private static void assertFails(KeyPair recipient, SealedPayload good, UnaryOperator<SealedPayload> damage, String what) {
    SealedPayload damaged = damage.apply(good);
    assertThrows(DecryptionException.class, () -> AsymmetricEncryption.decrypt(recipient, damaged), what);
  }

  private static byte[] flip(byte[] bytes, int index) {
    byte[] copy = bytes.clone();
    copy[index] ^= 0x01;
    return copy;
  }

  static String canonical(SealedPayload payload) {
    return "{\"ciphertext\":\"" + payload.ciphertextBase64() + "\",\"ephemPublicKey\":\""
        + payload.ephemPublicKeyBase64() + "\",\"nonce\":\"" + payload.nonceHex() + "\"}";
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final String TV6_CIPHERTEXT = String.join("",
      "/OE/29HjwrzLndTtFtybf93gbp4+H/YnJX7c9I8/AtYEORz6wqrBLKL9c/8hQ8jPfNJWcrIkIUQFrMLf3VKQ16qib6/if2HZ0lfy",
      "V8PwShM+o2HQB8w2cjeDzwD6cs1AbZh8mKoYm+IzNEBhTy0xCuug+E59/SRDTA85V8a11FqcracP0JkLwvrS/CbuAPCwytGwqX6p",
      "otnESQgDmXRqj1hN2isG+gYv3oc4sWXq1OVEn07JISuM5tPy2Tk/4AHEsXvJgoJkxduBlHEob0haVR0c+ArmQjkf3pDPFr87Tchs",
      "9QDR1DI0yYIF2t8cNORc9oFy+n6z16POKAjYNJsV9lZZjGL+ncgNJM/El2/Hy9+rBWdE3o5SAh20+Kwn1wiiMb8bNNa4gDlwKC6k",
      "XdBsNsbgAqAkpoleXcKIpY4KoDvymDDEetsTxU3qYuYF9i/axXXncXuw/9n1p7FNYG/jh4c6IfVm6A9JcRWygyt1SkanAC/83Ral",
      "CCWrL9mSSczUrt4qnURej2vlEdhsGR0VfnPtox6l5h/8V0ixl8k+JQIYXLnLFq1RgF8gQX1oj4wiFH73QksthKi0k33xWimbDPXt",
      "hx5tbyg5CkcXMM8+cCeMzXDsMbLCXpMQqOHwhVKirozNyVRQMsojUO6k8O0KlOdl1AXn4mMG9GvozRri93oNHLcpsqOF/WXl1VI5",
      "nTz1UAolf7ZhXKUPH/awQorvHqYqDlf2nn4iEmC3IAMQ/B9W3sxwmD7hmH65Z2m+LEecUfgptLITFoIBZmC1zTrv3eVl8K50yNuJ",
      "Ehz2OI2gS8fYkrSel9t/8sHTPspWdNrKgLm72t747ImruD9mdoZiXf7aGuWSKqrpeqVH1GAWFFI3UtyL9eimZ3/X4tHZ/s/fdyFf",
      "RkDh07z/stENydU5LD9402oF+nIAJfQ+jgCnnz1Mm3rWplMLhqIkAVjZiEihYzDG/7/KWU0jK92frarSmrdSkfgmq6YQDOFtpi8h",
      "L9lHRQbGG6jj2hQKaRjFInXfi13+Fei5AdRgGI8qBUz7Qy9i3oJUHGUNKZyjrJzK90ngg2Keo7Y0EUi0Ds9ml/Af3uDIaCH7TQmg",
      "bkM9shk3NjFTh0mItwgcPGe5n4CBTBghEw1cGEDW7XpCy0Qztz4uJA0NJAppaRb1GRJ3YobAfH8SrdMIIfCbB4UfNMqj5E6Nb+ig",
      "shoHF9E2l5DwaZ+coKXkRl8q3lUBQLTMzIWBAE34i5vbdAmxG5R3fDeGkk5rfDf8V9yMKYWSRd6/ouL+/ZO+y3mEgbmW2nWNrjrv",
      "31/Rum6y1yFRTBTP2AIVPNI7pt02v1TmPCcPQpv8WuyP5EHgJaASdk/kYDrSL7JNhbItWWr+OkzgvUhTgfBSRAAtk2nzU/ClmIVe",
      "pQdTKDgDw4nACXaagWy21/lGLO8tJbRx0A/SKKHaPPHXzpiom5VCN2Lx5e8u+9WQnXuvGJJJV21yNAp898A3/oF8p9wO2QJfedpJ",
      "4+BBpRtcujuDRxRmy0cjX9NPSZv+IMZHEm/b/SkpDG5x3y7gm8ZXnZ5vLPsBcMhBUvb8GCnP7kPwx+A065Eo6IHc6c7uIPdED1WT",
      "Q1KjHyvwRfj02D4SaCv4Et/ktzE5cFUx3mRmFZSKuEa+Thp8C5q8i3r694CzRSMVIyl75C0SsW4eaUlIZ+v/C5g/cqlzsM5KlEfe",
      "r6cJSz7i9+qMdBCbFCxeX1NePUeG6Vmx7dWDvZJQOWiLVg6wExKP8TZ+0siM3OebzD114ejvW8BmQsDmCQMPtMKF+zLNsJdR8x7E",
      "h/x4P9VCyQDLIjrImpYx34/UkGZBP64J9+sgqdc6uxeIH+NV8YTSWLEaDvWgLusvmIM6xLWGcnwxYcM+Zg2cVPU8VRfApyTIjaP5",
      "Qq4Xcg46R9aQEqD89uBJRXVOOo62jR8cOajDfj6g9nJjcT9BP/h/FLgIYwQkD6eDhtFSbA0zFAb+RLcDr+iZ11KTj+gxk4lCecrS",
      "PcZ0TdYzPrQncnEjG42RObLos2Nu5MWzm0YAkPkUwqYFWn9ar39mac052h4nHhmUodh1KPRMutUzn8ANGuprgY1M1GTFt1zOGuCt",
      "4RvD6iHgFzICetiQku92CVdTiJl7oCfyV9BxbUS98EkU1M4UjwMWRufu8dbcJZZyEg4JsnR0T9Y6V0hqqFx9pRllcU4PU8Xtd9JJ",
      "m5mPFvZxfklqH7T7uXYnrZ755v1dm2vPPJiEuiQE40JOd1hgejFTYJw9Bz5dJnxzmzmHz+F/vwN4x4Gd0BNZcigLa4jFvPPTVE/w",
      "cEveogUvhjZY7Gwyn1NB78NgVnrK5lRFoOzj17VecV+JAU4ZFO3Del0h+vXC96kKg5fxOMFDn5HfB9/gLaIiQImToT78b6qR9OAZ",
      "U4gL5qfRmou6+FBnTlo5D0XRtTSPIWWbBA6jS9RuWeF4a+GD4wznZWX7tsIuxeL8CZYdeIXgMpadaexAfR8IOCO5pkKtPwD+jwBJ",
      "+YWtvCVN1McAwuTeZVGS7uE4OHixe2HZlDxzUUzcSYNvkFcQ1Owd53XuZX0xdPYcdDlXMee8lDw0x+2cENHmDkoe07EshcC1UnE6",
      "qX7lq1fi0Pkc9oCxLCD2gzzvV16yWTfP3I0+5ycEuLa3FNQ5Ql6x6+yaTjsoeNxk3euDoG/RPobN8ogB2zDDs78+G2qZcuKQLzBy",
      "jzOvvFYeFUJgYW5mGYN3h+PYyDi4eUP4UXOxDhwmAMO6FvkS/X2+");
}
