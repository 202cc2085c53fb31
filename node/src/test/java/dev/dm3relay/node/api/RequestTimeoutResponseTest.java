package dev.dm3relay.node.api;

import dev.dm3relay.node.core.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.dm3relay.protocol.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.Test;

/**
 * A request that outlives Pekko HTTP's request-timeout is answered by {@link Responses#timedOut}
 * (JSON 503), as {@code RelayApi.routes()} installs it, not by Pekko's plain-text default.
 */
class RequestTimeoutResponseTest extends AllDirectives {

  @Test
  void aRequestThatOutlivesTheServerTimeoutGetsAJson503() throws Exception {
    ActorSystem system =
        ActorSystem.create(
            "request-timeout-test",
            ConfigFactory.parseString("pekko.http.server.request-timeout = 300ms").withFallback(dev.dm3relay.node.LocalSystems.config()));
    try {
      Route neverAnswers = completeWithFuture(new CompletableFuture<>());
      Route route = withRequestTimeoutResponse(Responses::timedOut, () -> neverAnswers);
      var binding =
          Http.get(system).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture().get(30, TimeUnit.SECONDS);
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/rpc"))
                      .timeout(Duration.ofSeconds(10))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(503, response.statusCode());
      assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
      JsonNode body = Json.parse(response.body());
      assertEquals(ErrorCode.RESOURCE_UNAVAILABLE.code(), body.path("error").path("code").asInt());
    } finally {
      system.terminate();
    }
  }
}
