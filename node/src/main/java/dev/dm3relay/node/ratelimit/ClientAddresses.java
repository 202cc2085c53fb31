package dev.dm3relay.node.ratelimit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which address a request is from, for per-client limits: the TCP peer, or, when the peer is one
 * of the operator's {@code TRUSTED_PROXIES}, the right-most hop of {@code X-Forwarded-For} that is
 * not a trusted proxy. Hops to the left of that one are whatever the client wrote and are never
 * believed. With no trusted proxies (the default) the header is ignored entirely.
 *
 * <p>CIDR matching is ours (a few lines over {@link InetAddress#getAddress()}): the libraries on
 * our classpath have none for both IPv4 and IPv6, and no text from a header is ever handed to a
 * resolver — a hop that is not an IP literal is not an address.
 */
public final class ClientAddresses {

  /** One CIDR block, e.g. {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128. */
  public record Cidr(byte[] network, int prefixBits) {

    public static Cidr parse(String text) {
      String t = text.trim();
      int slash = t.indexOf('/');
      String address = slash < 0 ? t : t.substring(0, slash);
      InetAddress parsed =
          literal(address).orElseThrow(() -> new IllegalArgumentException("TRUSTED_PROXIES: not an IP address or CIDR block: " + text));
      byte[] bytes = parsed.getAddress();
      int bits;
      try {
        bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("TRUSTED_PROXIES: bad prefix length in " + text);
      }
      if (bits < 0 || bits > bytes.length * 8) {
        throw new IllegalArgumentException("TRUSTED_PROXIES: bad prefix length in " + text);
      }
      return new Cidr(bytes, bits);
    }

    public boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Cidr> trustedProxies;

  public ClientAddresses(List<Cidr> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  /** A comma-separated CIDR list; empty for none. */
  public static List<Cidr> parseList(String text) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        cidrs.add(Cidr.parse(part));
      }
    }
    return cidrs;
  }

  public boolean trusted(InetAddress address) {
    for (Cidr cidr : trustedProxies) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address as text, the key of its buckets: an IPv4 address, or an IPv6 client's
   * /64 (a host usually has a whole /64, so keying by full address would give it 2^64 buckets).
   *
   * @param peer the TCP peer
   * @param forwardedFor every {@code X-Forwarded-For} value of the request, in order
   */
  public String clientOf(InetAddress peer, List<String> forwardedFor) {
    if (trustedProxies.isEmpty() || forwardedFor.isEmpty() || !trusted(peer)) {
      return keyOf(peer);
    }
    List<String> hops = new ArrayList<>();
    for (String value : forwardedFor) {
      for (String hop : value.split(",")) {
        hops.add(hop.trim());
      }
    }
    InetAddress client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<InetAddress> hop = literal(hops.get(i));
      if (hop.isEmpty()) {
        break; // garbage in the chain: nothing left of it can be believed, the last trusted hop is the client
      }
      client = hop.get();
      if (!trusted(client)) {
        break;
      }
    }
    return keyOf(client);
  }

  static String keyOf(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length == 4) {
      return address.getHostAddress();
    }
    StringBuilder prefix = new StringBuilder(24);
    for (int i = 0; i < 8; i += 2) {
      prefix.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff))).append(':');
    }
    return prefix.append(":/64").toString();
  }

  /**
   * An IP literal as an address, without any lookup: four decimal octets, or an IPv6 literal
   * (Java checks a bracketed literal itself and never resolves it). Anything else is empty.
   */
  static Optional<InetAddress> literal(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.isEmpty() || t.length() > 45) {
      return Optional.empty();
    }
    try {
      if (t.indexOf(':') >= 0) {
        if (!t.toLowerCase(Locale.ROOT).matches("[0-9a-f:.]+")) {
          return Optional.empty(); // zone ids and the like are not taken
        }
        return Optional.of(InetAddress.getByName("[" + t + "]"));
      }
      String[] octets = t.split("\\.", -1);
      if (octets.length != 4) {
        return Optional.empty();
      }
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        if (!octets[i].matches("[0-9]{1,3}")) {
          return Optional.empty();
        }
        int v = Integer.parseInt(octets[i]);
        if (v > 255) {
          return Optional.empty();
        }
        bytes[i] = (byte) v;
      }
      return Optional.of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
