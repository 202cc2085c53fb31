package dev.dm3relay.node.spam;

import static dev.dm3relay.node.UseCases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.node.core.Account;
import dev.dm3relay.node.mailbox.InMemoryMailboxService;
import dev.dm3relay.node.mailbox.Mailbox;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.sender.WalletUser;
import org.junit.jupiter.api.Test;

/** Setting spam rules on in-memory ports: strict input, canonical storage, no rules without a chain. */
class SpamRuleSettingsTest {

  private final InMemoryMailboxService mailboxes = new InMemoryMailboxService();
  private final WalletUser bob = WalletUser.create();

  private Account account() throws Exception {
    return await(mailboxes.account(bob.address())).orElseThrow();
  }

  @Test
  void rulesAreStoredCanonicalAndClearedByAnEmptyObject() throws Exception {
    await(mailboxes.registerProfile(bob.address(), bob.profile(), Mailbox.Replace.NEVER, null));
    SpamRuleSettings settings = new SpamRuleSettings(mailboxes, true);
    assertEquals("{}", settings.rulesOf(account()));
    String token = "0x" + "ab".repeat(20);
    var saved =
        await(settings.set(account(), Json.parse("{\"minTokenBalance\":{\"amount\":\"0x10\",\"address\":\"" + token + "\"},\"minNonce\":2}")));
    String json = assertInstanceOf(SpamRuleSettings.Result.Saved.class, saved).rulesJson();
    assertEquals(
        "{\"minNonce\":2,\"minTokenBalance\":{\"address\":\"" + dev.dm3relay.protocol.crypto.Ethereum.checksumAddress(token) + "\",\"amount\":\"16\"}}",
        json);
    assertEquals(json, settings.rulesOf(account()));
    assertInstanceOf(SpamRuleSettings.Result.Saved.class, await(settings.set(account(), Json.parse("{}"))));
    assertNull(account().spamFilterRulesJson(), "{} stores no rules");
    for (String bad : new String[] {"{\"minNonce\":-1}", "{\"minNonce\":1.5}", "{\"other\":1}", "{\"minBalance\":\"0xzz\"}", "{\"minBalance\":\"\u0663\"}", "{\"minNonce\":\"-5\"}", "null", "{\"minTokenBalance\":{\"address\":\"0x1\",\"amount\":1}}"}) {
      assertInstanceOf(SpamRuleSettings.Result.Invalid.class, await(settings.set(account(), Json.parse(bad))), bad);
    }
  }

  @Test
  void aRelayWithoutAChainTakesNoRules() throws Exception {
    await(mailboxes.registerProfile(bob.address(), bob.profile(), Mailbox.Replace.NEVER, null));
    SpamRuleSettings chainless = new SpamRuleSettings(mailboxes, false);
    var refused = await(chainless.set(account(), Json.parse("{\"minNonce\":1}")));
    assertTrue(assertInstanceOf(SpamRuleSettings.Result.Invalid.class, refused).reason().contains("no RPC"));
    assertInstanceOf(SpamRuleSettings.Result.Saved.class, await(chainless.set(account(), Json.parse("{}"))));
  }
}
