package dev.dm3relay.node.blocklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The block list entity on the in-memory journal: blocks and unblocks, idempotent, durable. */
class BlockListTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "BlockListTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(ConfigFactory.parseResources("serialization.conf"))
              .withFallback(ConfigFactory.defaultReference()));

  private EventSourcedBehaviorTestKit<BlockList.Command, BlockList.Event, BlockList.State> list;

  @BeforeEach
  void start() {
    list = EventSourcedBehaviorTestKit.create(testKit.system(), BlockList.create(BlockList.ENTITY_ID));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static final String A = "0x1111111111111111111111111111111111111111";
  private static final String B = "0x2222222222222222222222222222222222222222";

  @Test
  void blocksAreEventsAndRepeatsWriteNothing() {
    var first = list.<StatusReply<Done>>runCommand(r -> new BlockList.Block(B, r));
    assertEquals(new BlockList.SenderBlocked(B), first.event());
    list.<StatusReply<Done>>runCommand(r -> new BlockList.Block(A, r));
    assertTrue(list.<StatusReply<Done>>runCommand(r -> new BlockList.Block(A, r)).hasNoEvents(), "blocking twice");
    assertEquals(List.of(A, B), list.<StatusReply<BlockList.Blocked>>runCommand(BlockList.GetBlocked::new).reply().getValue().addresses());

    assertEquals(new BlockList.SenderUnblocked(A), list.<StatusReply<Done>>runCommand(r -> new BlockList.Unblock(A, r)).event());
    assertTrue(list.<StatusReply<Done>>runCommand(r -> new BlockList.Unblock(A, r)).hasNoEvents(), "unblocking what is not blocked");
    assertEquals(List.of(B), list.restart().state().addresses(), "survives a restart");
  }
}
