package dev.dm3relay.node.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.MissingNode;
import dev.dm3relay.protocol.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Socket.IO 5 packet format, with the examples of the protocol description. */
class SocketIoPacketTest {

  @Test
  void connectWithAuthOnTheDefaultNamespace() throws Exception {
    SocketIoPacket p = SocketIoPacket.decode("0{\"token\":\"123\"}");
    assertEquals(SocketIoPacket.CONNECT, p.type());
    assertEquals("/", p.namespace());
    assertEquals(Json.parse("{\"token\":\"123\"}"), p.data());
    assertTrue(!p.wantsAck());
  }

  @Test
  void connectWithoutAuthAndOnAnotherNamespace() throws Exception {
    assertNull(SocketIoPacket.decode("0").data());
    SocketIoPacket admin = SocketIoPacket.decode("0/admin,{\"token\":\"x\"}");
    assertEquals("/admin", admin.namespace());
    assertEquals("x", admin.data().path("token").asText());
    assertEquals("/admin", SocketIoPacket.decode("0/admin").namespace());
  }

  @Test
  void eventWithAndWithoutAckId() throws Exception {
    SocketIoPacket plain = SocketIoPacket.decode("2[\"submitMessage\",{\"envelop\":{}}]");
    assertEquals("submitMessage", plain.eventName());
    assertEquals(Json.parse("{\"envelop\":{}}"), plain.firstArgument());
    assertTrue(!plain.wantsAck());
    SocketIoPacket acked = SocketIoPacket.decode("212[\"submitMessage\"]");
    assertEquals(12, acked.ackId());
    assertNull(acked.firstArgument());
    assertEquals(7, SocketIoPacket.decode("2/admin,7[\"x\"]").ackId());
  }

  @Test
  void ackAndDisconnect() throws Exception {
    SocketIoPacket ack = SocketIoPacket.decode("33[\"ok\"]");
    assertEquals(SocketIoPacket.ACK, ack.type());
    assertEquals(3, ack.ackId());
    assertEquals(SocketIoPacket.DISCONNECT, SocketIoPacket.decode("1").type());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "7",
        "x",
        "0[1]",
        "0\"auth\"",
        "1{}",
        "2",
        "2{}",
        "2[]",
        "2[1]",
        "2[\"disconnect\"]",
        "2[\"newListener\"]",
        "2[\"a\"",
        "2[\"a\"] trailing",
        "3[]",
        "31{}",
        "4{\"message\":\"clients do not send this\"}",
        "51-[\"a\",{\"_placeholder\":true,\"num\":0}]",
        "61-1[{\"_placeholder\":true,\"num\":0}]",
        "21234567890123456[\"a\"]"
      })
  void malformedPacketsAreRefused(String text) {
    assertThrows(SocketIoPacket.MalformedPacketException.class, () -> SocketIoPacket.decode(text));
  }

  @Test
  void overlongNamespaceIsRefused() {
    assertThrows(
        SocketIoPacket.MalformedPacketException.class,
        () -> SocketIoPacket.decode("0/" + "a".repeat(200) + ",{}"));
  }

  @Test
  void serverPacketsAreEncodedExactly() {
    assertEquals("0{\"sid\":\"abc\"}", SocketIoPacket.connectReply("abc"));
    assertEquals(
        "4{\"message\":\"check token has failed for WS\"}",
        SocketIoPacket.connectError("/", "check token has failed for WS"));
    assertEquals(
        "4/admin,{\"message\":\"Invalid namespace\"}",
        SocketIoPacket.connectError("/admin", "Invalid namespace"));
    assertEquals("1", SocketIoPacket.disconnect());
    assertEquals("2[\"authorized\"]", SocketIoPacket.event("authorized", null));
    assertEquals(
        "2[\"message\",{\"b\":1,\"a\":\"\\\"q\\\" é\"}]",
        SocketIoPacket.event("message", Json.parse("{\"b\":1,\"a\":\"\\\"q\\\" é\"}")));
    assertEquals(
        "37[{\"response\":\"success\"}]",
        SocketIoPacket.ack(7, Json.parse("{\"response\":\"success\"}")));
    assertEquals("30[]", SocketIoPacket.ack(0, MissingNode.getInstance()));
  }

  @Test
  void utf8LengthCountsBytes() {
    assertEquals(0, EngineIoSession.utf8Length(""));
    assertEquals(3, EngineIoSession.utf8Length("abc"));
    assertEquals(2, EngineIoSession.utf8Length("é"));
    assertEquals(3, EngineIoSession.utf8Length("✓"));
    assertEquals(4, EngineIoSession.utf8Length("😀"));
    assertEquals(3, EngineIoSession.utf8Length("\ud800")); // a lone surrogate is replaced by U+FFFD
  }
}
