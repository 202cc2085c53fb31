package dev.dm3relay.node.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dm3relay.protocol.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LiveConnectionsTest {

  /** Socket.IO's event frame, as the relay's encoder writes it. */
  private static LiveConnections live(int perAccount, long nodeBudget) {
    return new LiveConnections(
        LiveConnections.Presence.NONE, perAccount, nodeBudget, (name, json) -> "42[\"" + name + "\"," + json + "]");
  }

  /** Records what it is sent; {@code open} false plays a closed or dropped socket. */
  private static final class FakeSocket implements LiveSocket {
    final List<String> sent = new ArrayList<>();
    volatile boolean open = true;
    volatile String disconnected;

    @Override
    public synchronized boolean sendFrame(String frame) {
      if (!open) {
        return false;
      }
      sent.add(frame);
      return true;
    }

    @Override
    public void disconnect(String reason) {
      disconnected = reason;
      open = false;
    }
  }

  @Test
  void pushGoesToEverySocketOfTheAccountOnly() {
    LiveConnections live = live(8, 256L << 20);
    FakeSocket a1 = new FakeSocket();
    FakeSocket a2 = new FakeSocket();
    FakeSocket b = new FakeSocket();
    live.add("a", a1);
    live.add("a", a2);
    live.add("b", b);
    assertEquals(2, live.push("a", "message", Json.parse("{\"x\":1}")));
    assertEquals(List.of("42[\"message\",{\"x\":1}]"), a1.sent);
    assertEquals(a1.sent, a2.sent);
    assertTrue(a1.sent.get(0) == a2.sent.get(0), "one frame shared by all sockets of the account");
    assertEquals(2, live.pushJson("a", "message", "{\"y\":[1,2]}"));
    assertEquals("42[\"message\",{\"y\":[1,2]}]", a1.sent.get(1));
    assertTrue(b.sent.isEmpty());
    assertEquals(0, live.push("c", "message", Json.parse("{}")));
    assertEquals(0, live.push(null, "message", Json.parse("{}")));
  }

  @Test
  void aSocketThatRefusesIsNotCounted() {
    LiveConnections live = live(8, 256L << 20);
    FakeSocket ok = new FakeSocket();
    FakeSocket gone = new FakeSocket();
    gone.open = false;
    live.add("a", ok);
    live.add("a", gone);
    assertEquals(1, live.push("a", "message", Json.parse("{}")));
  }

  @Test
  void aNewSocketBeyondTheLimitDisconnectsTheAccountsOldest() {
    LiveConnections live = live(3, 1 << 20);
    List<FakeSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      FakeSocket s = new FakeSocket();
      sockets.add(s);
      live.add("a", s);
    }
    assertEquals(3, live.connectionCount("a"));
    assertEquals(3, live.connectionCount());
    assertTrue(sockets.get(0).disconnected != null && sockets.get(1).disconnected != null, "the two oldest went");
    assertTrue(sockets.subList(2, 5).stream().allMatch(s -> s.disconnected == null));
    assertEquals(3, live.push("a", "message", Json.parse("{}")));
    assertTrue(sockets.get(0).sent.isEmpty());
  }

  @Test
  void theNodesOutgoingBudgetIsShared() {
    LiveConnections live = live(8, 100);
    assertTrue(live.reserve(60));
    assertFalse(live.reserve(60), "over the node's 100 bytes");
    live.release(60);
    assertTrue(live.reserve(60));
    assertEquals(60, live.queuedBytes());
    live.release(60);
    assertTrue(live.reserve(500), "one frame always fits an empty budget");
  }

  @Test
  void countsAndRemoval() {
    LiveConnections live = live(8, 256L << 20);
    FakeSocket a1 = new FakeSocket();
    FakeSocket a2 = new FakeSocket();
    live.add("a", a1);
    live.add("a", a1); // registering twice changes nothing
    live.add("a", a2);
    assertEquals(2, live.connectionCount());
    assertEquals(2, live.connectionCount("a"));
    assertEquals(1, live.accountCount());
    live.remove("a", a1);
    live.remove("a", a1);
    live.remove("b", a2); // not registered there
    assertTrue(live.isConnected("a"));
    assertEquals(1, live.connectionCount());
    live.remove("a", a2);
    assertFalse(live.isConnected("a"));
    assertEquals(0, live.connectionCount());
    assertEquals(0, live.accountCount());
    assertFalse(live.isConnected(null));
  }

  @Test
  void concurrentAddAndRemoveKeepTheCountsExact() throws Exception {
    LiveConnections live = live(8, 256L << 20);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<FakeSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      sockets.add(new FakeSocket());
    }
    for (int i = 0; i < sockets.size(); i++) {
      FakeSocket s = sockets.get(i);
      String account = "acct" + (i % 7);
      pool.execute(
          () -> {
            live.add(account, s);
            live.push(account, "message", Json.parse("{}"));
            live.remove(account, s);
          });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(0, live.connectionCount());
    assertEquals(0, live.accountCount());
  }
}
