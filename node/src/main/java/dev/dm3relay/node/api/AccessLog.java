package dev.dm3relay.node.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per HTTP request (logger {@code dm3relay.access}): method, route template (never a
 * name or a token), status, duration, response bytes and the peer's address (the socket's, not a
 * header's). A streamed response (a mailbox listing) is logged when its last byte is sent, with
 * the bytes and time it took. In JSON logs every part is a field of its own.
 */
final class AccessLog extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger("dm3relay.access");

  Route around(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          long began = System.nanoTime();
          return mapResponse(response -> logged(request, response, began), inner);
        });
  }

  private static HttpResponse logged(HttpRequest request, HttpResponse response, long began) {
    String route = RouteTable.template(request.getUri().path());
    if (response.entity() instanceof HttpEntity.Strict strict) {
      line(request, route, response.status().intValue(), strict.getData().length(), began);
      return response;
    }
    AtomicLong bytes = new AtomicLong();
    int status = response.status().intValue();
    Flow<ByteString, ByteString, Object> counted =
        Flow.of(ByteString.class)
            .map(
                chunk -> {
                  bytes.addAndGet(chunk.length());
                  return chunk;
                })
            .<Object>watchTermination(
                (mat, done) -> {
                  done.whenComplete((d, failure) -> line(request, route, status, bytes.get(), began));
                  return mat;
                });
    // the Scala entity keeps its kind (chunked, sized) when its bytes are transformed
    org.apache.pekko.http.scaladsl.model.ResponseEntity entity =
        (org.apache.pekko.http.scaladsl.model.ResponseEntity) response.entity();
    return response.withEntity(entity.transformDataBytes(counted.asScala()));
  }

  private static void line(HttpRequest request, String route, int status, long bytes, long began) {
    if (!log.isInfoEnabled()) {
      return;
    }
    String client =
        request
            .getAttribute(AttributeKeys.remoteAddress)
            .flatMap(a -> a.getAddress().map(java.net.InetAddress::getHostAddress))
            .orElse("-");
    log.info(
        "{} {} {} {} {} {}",
        kv("method", request.method().value()),
        kv("route", route),
        kv("status", status),
        kv("duration_ms", (System.nanoTime() - began) / 1_000_000),
        kv("bytes", bytes),
        kv("client", client));
  }
}
