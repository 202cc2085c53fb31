package dev.dm3relay.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.delivery.DeliveryService;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.delivery.OpenedEnvelope;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pre-generated envelopes are what a relay accepts: a delivery service opens them with its key
 * and finds the right routing, every one is unique (the relay would deduplicate repeats) and they
 * have the size the run asked for. Runs in the normal build; Gatling itself does not.
 */
class EnvelopeFactoryTest {

  @Test
  void envelopesOpenAtTheDeliveryServiceWithTheirRoutingAndTargetSize() {
    DeliveryServiceIdentity ds = DeliveryServiceIdentity.generate(new SecureRandom());
    Random random = new Random(42);
    List<WalletUser> senders = List.of(WalletUser.create(random), WalletUser.create(random));
    List<WalletUser> recipients = List.of(WalletUser.create(random), WalletUser.create(random), WalletUser.create(random));
    EnvelopeFactory factory = new EnvelopeFactory(senders, recipients, ds.encryption().publicKey(), "test", 6144);

    List<PreparedEnvelope> envelopes = factory.generate(0, 12, 2);

    assertEquals(12, envelopes.size());
    Set<String> hashes = new HashSet<>();
    try (EphemeralKeyPool pool = new EphemeralKeyPool(4)) {
      DeliveryService service = new DeliveryService(ds, pool);
      for (int i = 0; i < envelopes.size(); i++) {
        PreparedEnvelope e = envelopes.get(i);
        assertEquals(i % recipients.size(), e.recipient(), "recipients take turns");
        String body = new String(e.body(), StandardCharsets.UTF_8);
        String envelopeJson = Json.parse(body).get("params").get(0).textValue();
        OpenedEnvelope opened = service.open(envelopeJson, 100_000);
        assertEquals(recipients.get(e.recipient()).name(), opened.deliveryInformation().to());
        assertEquals(senders.get(e.sender()).name(), opened.deliveryInformation().from());
        assertEquals(e.envelopeBytes(), opened.sizeBytes());
        assertEquals(e.messageHash(), opened.envelope().metadata().messageHash());
        assertTrue(e.envelopeBytes() <= 6144 && e.envelopeBytes() > 5000, "size " + e.envelopeBytes());
        hashes.add(e.messageHash());
      }
    }
    assertEquals(envelopes.size(), hashes.size(), "every envelope is unique");
  }
}
