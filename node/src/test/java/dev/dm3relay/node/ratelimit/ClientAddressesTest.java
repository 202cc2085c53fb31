package dev.dm3relay.node.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void cidrBlocksMatchByPrefixInBothFamilies() throws Exception {
    ClientAddresses.Cidr ten = ClientAddresses.Cidr.parse("10.0.0.0/8");
    assertTrue(ten.contains(ip("10.255.1.2")));
    assertFalse(ten.contains(ip("11.0.0.1")));
    ClientAddresses.Cidr odd = ClientAddresses.Cidr.parse("192.168.4.0/22");
    assertTrue(odd.contains(ip("192.168.7.255")));
    assertFalse(odd.contains(ip("192.168.8.0")));
    ClientAddresses.Cidr v6 = ClientAddresses.Cidr.parse("fd00::/8");
    assertTrue(v6.contains(ip("fd12:3456::1")));
    assertFalse(v6.contains(ip("fe80::1")));
    assertFalse(v6.contains(ip("10.0.0.1")), "another family never matches");
    assertTrue(ClientAddresses.Cidr.parse("127.0.0.60").contains(ip("127.0.0.60")));
    assertFalse(ClientAddresses.Cidr.parse("127.0.0.60").contains(ip("127.0.0.61")));
    assertThrows(IllegalArgumentException.class, () -> ClientAddresses.Cidr.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> ClientAddresses.Cidr.parse("proxy.internal"));
    assertEquals(2, ClientAddresses.parseList(" 10.0.0.0/8, fd00::/8 ,").size());
  }

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() throws Exception {
    ClientAddresses none = new ClientAddresses(List.of());
    assertEquals("127.0.0.9", none.clientOf(ip("127.0.0.9"), List.of("203.0.113.7")));
  }

  @Test
  void theRightMostUntrustedHopIsTheClient() throws Exception {
    ClientAddresses lb = new ClientAddresses(ClientAddresses.parseList("10.0.0.0/8"));
    // the client wrote "1.1.1.1" itself; the load balancer appended the address it saw
    assertEquals("203.0.113.7", lb.clientOf(ip("10.0.0.5"), List.of("1.1.1.1, 203.0.113.7")));
    // two proxies of ours in the chain are skipped; so are several header lines, in order
    assertEquals("203.0.113.7", lb.clientOf(ip("10.0.0.5"), List.of("1.1.1.1, 203.0.113.7", "10.1.2.3")));
    // an untrusted peer's header means nothing
    assertEquals("198.51.100.2", lb.clientOf(ip("198.51.100.2"), List.of("203.0.113.7")));
    // garbage stops the walk: the last trusted hop is the client, and no name is ever resolved
    assertEquals("10.1.2.3", lb.clientOf(ip("10.0.0.5"), List.of("evil.example, 10.1.2.3")));
    assertEquals("10.0.0.5", lb.clientOf(ip("10.0.0.5"), List.of("999.1.1.1")));
    // every hop trusted: the left-most is as far as we can see
    assertEquals("10.9.9.9", lb.clientOf(ip("10.0.0.5"), List.of("10.9.9.9, 10.1.1.1")));
  }

  @Test
  void anIpv6ClientIsKeyedByItsSlash64() throws Exception {
    ClientAddresses none = new ClientAddresses(List.of());
    String a = none.clientOf(ip("2001:db8:1:2::1"), List.of());
    String b = none.clientOf(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"), List.of());
    String c = none.clientOf(ip("2001:db8:1:3::1"), List.of());
    assertEquals(a, b);
    assertEquals("2001:db8:1:2::/64", a);
    assertFalse(a.equals(c));
  }
}
