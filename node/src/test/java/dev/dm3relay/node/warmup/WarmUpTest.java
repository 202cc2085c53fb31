package dev.dm3relay.node.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.node.Relay;
import dev.dm3relay.node.TestClient;
import dev.dm3relay.node.TestRelays;
import dev.dm3relay.node.store.EmbeddedCassandraExtension;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The start-up warm-up on the real Cassandra: the node submits synthetic envelopes through its own
 * pipeline before its API port opens, buffers them durably, purges every one of them afterwards,
 * and none of it shows in the operator's metrics.
 */
@ExtendWith(EmbeddedCassandraExtension.class)
class WarmUpTest {

  private static final String TOKEN = "a-long-enough-admin-token-for-warm-up";

  @Test
  void syntheticSubmitsRunThroughThePipelineBeforeReadyAndLeaveNothingBehind() throws Exception {
    Relay relay =
        TestRelays.start(
            Map.of(
                "dm3relay.warm-up.duration", "3s",
                "dm3relay.warm-up.accounts", 4,
                "dm3relay.warm-up.concurrency", 4,
                "dm3relay.admin.token", TOKEN));
    try {
      StartupWarmUp.Report report = relay.warmUpReport().orElseThrow();
      assertTrue(report.accepted() > 20, "submits accepted durably: " + report);
      assertEquals(0, report.refused(), report.toString());
      assertEquals(0, report.failed(), report.toString());
      assertEquals(report.accepted(), report.purged(), "every synthetic envelope is purged");
      List<WalletUser> receivers = StartupWarmUp.accounts(relay.identity(), 4);
      for (WalletUser receiver : receivers) {
        var stats = TestClient.send(relay.managementUrl(), "GET", "/admin/mailboxes/" + receiver.address(), null, TOKEN);
        assertEquals(200, stats.statusCode(), "the synthetic receiver is an account: " + stats.body());
        JsonNode mailbox = Json.parse(stats.body());
        assertEquals(0, mailbox.path("messages").asInt(), stats.body());
      }
      // The synthetic traffic is in no operator metric.
      String metrics = TestClient.send(relay.managementUrl(), "GET", "/metrics", null, null).body();
      assertFalse(
          metrics.lines().anyMatch(l -> l.startsWith("dm3_relay_submits_total") && !l.endsWith(" 0.0")),
          "no submit counted");
      assertEquals(204, TestClient.send(relay.baseUrl(), "GET", "/metrics", null, null).statusCode(), "no CSV row");
    } finally {
      relay.close();
    }
  }

  @Test
  void theSyntheticAccountsAreFixedPerIdentity() {
    var identity = dev.dm3relay.protocol.delivery.DeliveryServiceIdentity.generate(new java.security.SecureRandom());
    assertEquals(
        StartupWarmUp.accounts(identity, 3).stream().map(WalletUser::address).toList(),
        StartupWarmUp.accounts(identity, 3).stream().map(WalletUser::address).toList());
    var other = dev.dm3relay.protocol.delivery.DeliveryServiceIdentity.generate(new java.security.SecureRandom());
    assertFalse(StartupWarmUp.accounts(other, 1).get(0).address().equals(StartupWarmUp.accounts(identity, 1).get(0).address()));
    assertFalse(StartupWarmUp.sender(identity).address().equals(StartupWarmUp.accounts(identity, 1).get(0).address()));
  }
}
