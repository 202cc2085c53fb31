package dev.dm3relay.node.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * Any body for every REST route that reads one: profile registration, login, acknowledgements and
 * spam rules (the last two with a valid session token, so the body is what is tested), and the
 * path segment itself (a name). The first byte picks the route, the second whether a token is
 * sent; the rest is the name (up to the first NUL) and the body.
 */
public class RestBodiesFuzzTest {

  private static final String[] ROUTES = {
    "/profile/%s", "/auth/%s", "/delivery/messages/%s/syncAcknowledgements", "/delivery/spamFilterRules/%s",
  };

  @FuzzTest
  void restBody(FuzzedDataProvider data) {
    run(data);
  }

  public static void fuzzerTestOneInput(FuzzedDataProvider data) {
    run(data);
  }

  private static void run(FuzzedDataProvider data) {
    ApiHarness harness = ApiHarness.get();
    String route = ROUTES[Math.floorMod(data.consumeInt(), ROUTES.length)];
    boolean withToken = data.consumeBoolean();
    boolean ownName = data.consumeBoolean();
    String fuzzedName = data.consumeString(80);
    String name = ownName ? harness.user.name() : encodeSegment(fuzzedName);
    byte[] body = data.consumeRemainingAsBytes();
    HttpRequest request;
    try {
      request =
          HttpRequest.create(String.format(route, name))
              .withMethod(HttpMethods.POST)
              .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
    } catch (RuntimeException e) {
      return; // not a URI a client could send: the HTTP parser refuses it before any route
    }
    if (withToken) {
      request = request.addHeader(RawHeader.create("Authorization", "Bearer " + harness.token));
    }
    harness.answer(request);
  }

  /** A path segment as a client would send it: percent-encoded UTF-8. */
  private static String encodeSegment(String raw) {
    return java.net.URLEncoder.encode(raw, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
