package dev.dm3relay.node.http;

import dev.dm3relay.node.ratelimit.RateLimits;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/** The client address of an HTTP request, as {@link RateLimits} keys it (peer, or X-Forwarded-For from a trusted proxy). */
public final class RequestClient {

  private RequestClient() {}

  public static String of(HttpRequest request, RateLimits limits) {
    InetAddress peer =
        request
            .getAttribute(AttributeKeys.remoteAddress)
            .flatMap(a -> a.getAddress())
            .orElse(InetAddress.getLoopbackAddress()); // never: remote-address-attribute is on
    List<String> forwarded = List.of();
    for (HttpHeader header : request.getHeaders()) {
      if (header.is("x-forwarded-for")) {
        if (forwarded.isEmpty()) {
          forwarded = new ArrayList<>(2);
        }
        forwarded.add(header.value());
      }
    }
    return limits.clientOf(peer, forwarded);
  }
}
