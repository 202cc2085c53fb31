package dev.dm3relay.node.inbox;

import static dev.dm3relay.node.UseCases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.node.core.Account;
import dev.dm3relay.node.mailbox.InMemoryMailboxService;
import dev.dm3relay.node.mailbox.MailboxService;
import dev.dm3relay.protocol.ens.EnsNames;
import dev.dm3relay.protocol.model.Acknowledgement;
import dev.dm3relay.protocol.sender.WalletUser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fetch and acknowledge use cases on in-memory ports: what a valid request is. */
class InboxTest {

  private final InMemoryMailboxService mailboxes = new InMemoryMailboxService();
  private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  private final Inbox inbox = new Inbox(mailboxes, registry);
  private final WalletUser bob = WalletUser.create();
  private final Account account = new Account(bob.address(), bob.profile(), null);

  @Test
  void aConversationIsNamedByTheNormalisedContact() throws Exception {
    assertInstanceOf(Inbox.Fetch.Listed.class, await(inbox.conversation(account, "Alice.ETH")));
    assertEquals(List.of(EnsNames.conversationId(bob.address(), "alice.eth")), mailboxes.conversationsListed);
    Inbox.Fetch invalid = await(inbox.conversation(account, "ab--c.eth"));
    assertTrue(assertInstanceOf(Inbox.Fetch.Invalid.class, invalid).reason().startsWith("invalid name"));
    assertEquals(1, mailboxes.conversationsListed.size(), "an invalid name reaches no mailbox");
    assertInstanceOf(Inbox.Fetch.Listed.class, await(inbox.incoming(account)));
    assertEquals(1, registry.counter("dm3.relay.fetches", "kind", "incoming").count());
    assertEquals(1, registry.counter("dm3.relay.fetches", "kind", "conversation").count(), "the invalid one is not a fetch");
  }

  @Test
  void acknowledgementsAreCheckedWholeBeforeAnyIsApplied() throws Exception {
    Inbox.Acknowledged done =
        await(inbox.acknowledge(account, List.of(new Acknowledgement("Alice.eth", "0x" + "ab".repeat(32)))));
    assertEquals(new Inbox.Acknowledged.Done(0), done);
    assertEquals(List.of(List.of(new MailboxService.Ack("alice.eth", "0x" + "ab".repeat(32)))), mailboxes.acknowledged);
    assertEquals(0, registry.counter("dm3.relay.acknowledged.messages").count(), "nothing was there to remove");

    List<Acknowledgement> oneBad =
        List.of(new Acknowledgement("alice.eth", "0x01"), new Acknowledgement("x".repeat(256) + ".eth", "0x02"));
    Inbox.Acknowledged refused = await(inbox.acknowledge(account, oneBad));
    assertTrue(assertInstanceOf(Inbox.Acknowledged.Invalid.class, refused).reason().startsWith("acknowledgements[1].contactAddress"));
    Inbox.Acknowledged longHash = await(inbox.acknowledge(account, List.of(new Acknowledgement("alice.eth", "0x" + "0".repeat(70_000)))));
    assertInstanceOf(Inbox.Acknowledged.Invalid.class, longHash);
    assertInstanceOf(Inbox.Acknowledged.Invalid.class, await(inbox.acknowledge(account, List.of(new Acknowledgement("-a.eth", "0x01")))));
    assertEquals(1, mailboxes.acknowledged.size(), "refused requests reach no mailbox");
    // a legacy hash of any length a stored envelope may carry is still taken
    assertInstanceOf(Inbox.Acknowledged.Done.class, await(inbox.acknowledge(account, List.of(new Acknowledgement("alice.eth", "x".repeat(65_535))))));
  }
}
