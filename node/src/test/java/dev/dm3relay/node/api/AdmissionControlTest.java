package dev.dm3relay.node.api;

import dev.dm3relay.node.core.InFlightLimit;

import dev.dm3relay.node.core.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AdmissionControl} on a real Pekko HTTP server: requests beyond the limit get a fast JSON
 * 503 with Retry-After while admitted ones are still being worked on, and every way a request
 * ends (answered, rejected, failed) gives its slot back.
 */
class AdmissionControlTest extends AllDirectives {

  private static final int LIMIT = 3;
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static ActorSystem system;
  private static AdmissionControl admission;
  private static String base;
  /** Responses of /slow requests, completed by the test. */
  private static final ConcurrentLinkedQueue<CompletableFuture<org.apache.pekko.http.javadsl.model.HttpResponse>> slow =
      new ConcurrentLinkedQueue<>();

  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create("admission-test", dev.dm3relay.node.LocalSystems.config());
    admission = new AdmissionControl(new InFlightLimit(LIMIT));
    AdmissionControlTest routes = new AdmissionControlTest();
    Route route =
        admission.admit(
            () ->
                routes.handleExceptions(
                    org.apache.pekko.http.javadsl.server.ExceptionHandler.newBuilder()
                        .match(IllegalStateException.class, e -> routes.complete(StatusCodes.BAD_REQUEST, "{}"))
                        .build(),
                    () ->
                        routes.concat(
                            routes.path(
                                "slow",
                                () -> {
                                  CompletableFuture<org.apache.pekko.http.javadsl.model.HttpResponse> response =
                                      new CompletableFuture<>();
                                  slow.add(response);
                                  return routes.completeWithFuture(response);
                                }),
                            routes.path("fast", () -> routes.complete("ok")),
                            routes.path(
                                "throws",
                                () ->
                                    routes.extractRequest(
                                        r -> {
                                          throw new IllegalStateException("boom");
                                        })))));
    var binding =
        Http.get(system).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture().get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void beyondTheLimitRequestsAreRefusedAtOnceAndSlotsComeBack() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      admitted.add(http.sendAsync(get("/slow"), BodyHandlers.ofString()));
    }
    await(() -> slow.size() == LIMIT && admission.limit().inFlight() == LIMIT);

    // the limit is reached: the next requests are answered without waiting for the slow ones
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> refused = http.send(get("/fast"), BodyHandlers.ofString());
      assertEquals(503, refused.statusCode());
      assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
      assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
      JsonNode body = Json.parse(refused.body());
      assertEquals(ErrorCode.RESOURCE_UNAVAILABLE.code(), body.path("error").path("code").asInt());
      assertTrue(body.path("error").path("message").asText().contains("capacity"));
    }
    assertEquals(5, admission.limit().refused());
    admitted.forEach(f -> assertFalse(f.isDone(), "an admitted request waits for its answer"));

    // answering the slow requests frees their slots
    slow.forEach(f -> f.complete(org.apache.pekko.http.javadsl.model.HttpResponse.create().withEntity("done")));
    for (CompletableFuture<HttpResponse<String>> f : admitted) {
      assertEquals(200, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
    }
    slow.clear();
    await(() -> admission.limit().inFlight() == 0);
    for (int i = 0; i < LIMIT * 3; i++) {
      assertEquals(200, http.send(get("/fast"), BodyHandlers.ofString()).statusCode());
    }
    assertEquals(0, admission.limit().inFlight());
  }

  @Test
  void rejectedAndFailedRequestsGiveTheirSlotBack() throws Exception {
    for (int i = 0; i < LIMIT * 3; i++) {
      assertEquals(404, http.send(get("/nowhere"), BodyHandlers.ofString()).statusCode());
      assertEquals(400, http.send(get("/throws"), BodyHandlers.ofString()).statusCode());
    }
    await(() -> admission.limit().inFlight() == 0);
    assertEquals(200, http.send(get("/fast"), BodyHandlers.ofString()).statusCode());
  }

  @Test
  void zeroMeansNoLimitAndNegativeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new InFlightLimit(-1));
    AdmissionControl unlimited = new AdmissionControl(new InFlightLimit(0));
    Route plain = complete("x");
    assertTrue(unlimited.admit(() -> plain) == plain, "no limit: the route itself, nothing counted");
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT).GET().build();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + WAIT);
      }
      Thread.sleep(10);
    }
  }
}
