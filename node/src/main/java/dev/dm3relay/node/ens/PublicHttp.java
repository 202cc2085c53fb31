package dev.dm3relay.node.ens;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * HTTP to targets that users name: CCIP-read gateways (from a resolver's revert data) and profile
 * links (from ENS records). Whoever controls such a URL must not be able to make the relay talk to
 * its own network or hold its resources, so every request here:
 *
 * <ul>
 *   <li>goes only to public unicast addresses, checked for every address the client connects to
 *       (the DNS answer it connects with, not a first lookup that a rebinding DNS server could
 *       change in between), unless private targets are allowed for tests and private deployments;
 *   <li>has one deadline over the whole exchange, body included (a gateway that drips its reply one
 *       byte at a time is cut off like one that never answers), and a byte limit on the body;
 *   <li>follows no redirect by itself (callers follow a few, each target checked again), uses no
 *       proxy, and is refused at once when {@code maxInFlight} requests are running already.
 * </ul>
 */
public final class PublicHttp implements AutoCloseable {

  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient client;
  private final boolean allowPrivate;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** A target this client will not talk to: not http(s), or not a public address. */
  public static final class RefusedTargetException extends UnknownHostException {
    RefusedTargetException(String message) {
      super(message);
    }
  }

  /** What came back: status, the body (within the limit) and a redirect target, if any. */
  public record Reply(int status, byte[] body, Optional<String> location) {}

  /**
   * @param allowPrivate whether loopback, private and other non-public targets may be fetched
   * @param maxInFlight requests running at once; more fail at once
   */
  public PublicHttp(boolean allowPrivate, int maxInFlight) {
    this.allowPrivate = allowPrivate;
    this.maxInFlight = maxInFlight;
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(maxInFlight);
    dispatcher.setMaxRequestsPerHost(Math.max(1, Math.min(16, maxInFlight)));
    this.client =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .dns(allowPrivate ? Dns.SYSTEM : PublicHttp::publicAddressesOf)
            .proxy(Proxy.NO_PROXY)
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .build();
  }

  /** GET with {@code Accept: application/json}. */
  public CompletionStage<Reply> get(URI uri, Duration deadline, int maxBodyBytes) {
    return send(uri, null, deadline, maxBodyBytes);
  }

  /** POST of a JSON body. */
  public CompletionStage<Reply> postJson(URI uri, String json, Duration deadline, int maxBodyBytes) {
    return send(uri, json, deadline, maxBodyBytes);
  }

  /**
   * POST of raw bytes with the given headers (a web push message), to https only unless private
   * targets are allowed.
   */
  public CompletionStage<Reply> post(
      URI uri, java.util.Map<String, String> headers, byte[] body, String contentType, Duration deadline, int maxBodyBytes) {
    if (!allowPrivate && !"https".equalsIgnoreCase(uri.getScheme())) {
      return CompletableFuture.failedFuture(new RefusedTargetException("not an https URL"));
    }
    Request.Builder request = new Request.Builder();
    headers.forEach(request::header);
    request.post(RequestBody.create(body, MediaType.get(contentType)));
    return call(uri, request, deadline, maxBodyBytes);
  }

  private CompletionStage<Reply> send(URI uri, String jsonBody, Duration deadline, int maxBodyBytes) {
    Request.Builder request = new Request.Builder().header("Accept", "application/json");
    if (jsonBody != null) {
      request.post(RequestBody.create(jsonBody, JSON));
    }
    return call(uri, request, deadline, maxBodyBytes);
  }

  private CompletionStage<Reply> call(URI uri, Request.Builder request, Duration deadline, int maxBodyBytes) {
    HttpUrl url;
    try {
      url = checkTarget(uri);
    } catch (RefusedTargetException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (deadline.isNegative() || deadline.isZero()) {
      return CompletableFuture.failedFuture(new TimeoutException("no time left for " + url.host()));
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new IOException("too many outbound requests in flight"));
    }
    Call call = client.newCall(request.url(url).build());
    // The call's own timeout covers DNS, connect, writing, waiting and reading the body; the
    // future's covers time spent queued in the dispatcher too.
    call.timeout().timeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            reply.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call c, Response response) {
            try (response) {
              reply.complete(
                  new Reply(response.code(), read(response.body(), maxBodyBytes), Optional.ofNullable(response.header("Location"))));
            } catch (IOException | RuntimeException e) {
              reply.completeExceptionally(e);
            }
          }
        });
    return reply
        .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (r, failure) -> {
              inFlight.decrementAndGet();
              if (failure != null) {
                call.cancel();
              }
            });
  }

  private static byte[] read(ResponseBody body, int maxBodyBytes) throws IOException {
    if (body == null) {
      return new byte[0];
    }
    if (body.contentLength() > maxBodyBytes) {
      throw new IOException("reply of " + body.contentLength() + " bytes exceeds " + maxBodyBytes);
    }
    try (InputStream in = body.byteStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) != -1) {
        if (out.size() + n > maxBodyBytes) {
          throw new IOException("reply exceeds " + maxBodyBytes + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  /**
   * The URL to send to, or why it may not be sent to: only http(s), and an IP literal must be
   * public here, since the client does not resolve it (host names are checked when resolved).
   */
  public HttpUrl checkTarget(URI uri) throws RefusedTargetException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new RefusedTargetException("not an http(s) URL");
    }
    HttpUrl url = HttpUrl.parse(uri.toString());
    if (url == null || url.host().isEmpty()) {
      throw new RefusedTargetException("not a usable URL");
    }
    if (!allowPrivate && isIpLiteral(url.host())) {
      InetAddress literal;
      try {
        literal = InetAddress.getByName(url.host());
      } catch (UnknownHostException e) {
        throw new RefusedTargetException("bad address " + url.host());
      }
      if (!isPublic(literal)) {
        throw new RefusedTargetException("host " + url.host() + " is not a public address");
      }
    }
    return url;
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  /** The client's DNS: a host resolves only if every address it has is public. */
  private static List<InetAddress> publicAddressesOf(String host) throws UnknownHostException {
    List<InetAddress> addresses = Dns.SYSTEM.lookup(host);
    for (InetAddress address : addresses) {
      if (!isPublic(address)) {
        throw new RefusedTargetException(
            "host " + host + " is not a public address (" + address.getHostAddress() + ")");
      }
    }
    return addresses;
  }

  /**
   * Whether an address is public unicast. IPv4: everything but this-network, private, shared
   * (CGNAT), loopback, link-local, IETF protocol assignments, documentation, 6to4 relay,
   * benchmarking, multicast and reserved. IPv6: only global unicast (2000::/3), and of that not
   * the blocks that reach IPv4 or are not routed: 2001::/23 (Teredo and other protocol
   * assignments), 2001:db8::/32 (documentation) and 2002::/16 (6to4). Outside 2000::/3 lie, among
   * others, ::/96 (IPv4-compatible), 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64), fc00::/7, fe80::/10
   * and multicast. (Java turns ::ffff:a.b.c.d into the IPv4 address, checked as such.)
   */
  public static boolean isPublic(InetAddress address) {
    byte[] raw = address.getAddress();
    if (address instanceof Inet4Address) {
      int a = raw[0] & 0xff;
      int b = raw[1] & 0xff;
      int c = raw[2] & 0xff;
      return a != 0
          && a != 10
          && a != 127
          && !(a == 100 && b >= 64 && b < 128)
          && !(a == 169 && b == 254)
          && !(a == 172 && b >= 16 && b < 32)
          && !(a == 192 && b == 0 && (c == 0 || c == 2))
          && !(a == 192 && b == 88 && c == 99)
          && !(a == 192 && b == 168)
          && !(a == 198 && (b == 18 || b == 19))
          && !(a == 198 && b == 51 && c == 100)
          && !(a == 203 && b == 0 && c == 113)
          && a < 224;
    }
    if (address instanceof Inet6Address) {
      int first = raw[0] & 0xff;
      int second = raw[1] & 0xff;
      if ((first & 0xe0) != 0x20) {
        return false; // not 2000::/3
      }
      if (first == 0x20 && second == 0x01 && (raw[2] & 0xfe) == 0x00) {
        return false; // 2001::/23
      }
      if (first == 0x20 && second == 0x01 && (raw[2] & 0xff) == 0x0d && (raw[3] & 0xff) == 0xb8) {
        return false; // 2001:db8::/32
      }
      return !(first == 0x20 && second == 0x02); // 2002::/16
    }
    return false;
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
