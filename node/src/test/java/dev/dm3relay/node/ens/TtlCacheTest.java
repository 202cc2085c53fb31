package dev.dm3relay.node.ens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TtlCacheTest {

  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger loads = new AtomicInteger();

  private TtlCache<String, Optional<String>> cache(int size) {
    return new TtlCache<>(
        size, Duration.ofMinutes(5), Duration.ofSeconds(30), Optional::isPresent, now::get);
  }

  private CompletionStage<Optional<String>> load(String key) {
    loads.incrementAndGet();
    return CompletableFuture.completedFuture(
        key.startsWith("known") ? Optional.of(key.toUpperCase()) : Optional.empty());
  }

  @Test
  void sharesOneLoadBetweenConcurrentCallers() throws Exception {
    TtlCache<String, Optional<String>> cache = cache(10);
    CompletableFuture<Optional<String>> pending = new CompletableFuture<>();
    CompletionStage<Optional<String>> first =
        cache.get(
            "known",
            k -> {
              loads.incrementAndGet();
              return pending;
            });
    CompletionStage<Optional<String>> second =
        cache.get(
            "known",
            k -> {
              loads.incrementAndGet();
              return pending;
            });
    assertEquals(1, loads.get());
    pending.complete(Optional.of("A"));
    assertEquals(Optional.of("A"), first.toCompletableFuture().get());
    assertEquals(Optional.of("A"), second.toCompletableFuture().get());
  }

  @Test
  void aCallerCannotCompleteTheSharedAnswer() throws Exception {
    TtlCache<String, Optional<String>> cache = cache(10);
    CompletableFuture<Optional<String>> pending = new CompletableFuture<>();
    cache.get("known", k -> pending).toCompletableFuture().complete(Optional.of("forged"));
    pending.complete(Optional.of("real"));
    assertEquals(Optional.of("real"), cache.get("known", this::load).toCompletableFuture().get());
  }

  @Test
  void failuresAreNotKept() {
    TtlCache<String, Optional<String>> cache = cache(10);
    CompletionStage<Optional<String>> failed =
        cache.get(
            "known",
            k -> {
              loads.incrementAndGet();
              return CompletableFuture.failedFuture(new ChainUnavailableException("down"));
            });
    assertThrows(ExecutionException.class, () -> failed.toCompletableFuture().get());
    cache.get("known", this::load);
    assertEquals(2, loads.get());
  }

  @Test
  void positiveAndNegativeAnswersExpireSeparately() {
    TtlCache<String, Optional<String>> cache = cache(10);
    cache.get("known", this::load);
    cache.get("unknown", this::load);
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    cache.get("known", this::load);
    cache.get("unknown", this::load);
    assertEquals(2, loads.get());
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    cache.get("known", this::load);
    cache.get("unknown", this::load);
    assertEquals(3, loads.get(), "only the negative answer expired");
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    cache.get("known", this::load);
    assertEquals(4, loads.get());
  }

  @Test
  void staysWithinItsBoundDroppingTheLeastRecentlyUsed() {
    TtlCache<String, Optional<String>> cache = cache(3);
    for (String key : new String[] {"known-a", "known-b", "known-c"}) {
      cache.get(key, this::load);
    }
    cache.get("known-a", this::load); // a is now the most recently used
    cache.get("known-d", this::load);
    assertEquals(3, cache.size());
    assertEquals(4, loads.get());
    cache.get("known-a", this::load);
    assertEquals(4, loads.get(), "a was kept");
    cache.get("known-b", this::load);
    assertEquals(5, loads.get(), "b, the least recently used, was dropped");
    assertTrue(cache.size() <= 3);
  }
}
