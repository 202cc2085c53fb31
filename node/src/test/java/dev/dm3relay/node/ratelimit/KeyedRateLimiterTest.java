package dev.dm3relay.node.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {

  @Test
  void aKeyGetsItsBurstThenWaitsAndOtherKeysAreUntouched() {
    KeyedRateLimiter limiter = new KeyedRateLimiter(new RateLimit(1, Duration.ofMinutes(1), 3), 100);
    assertEquals(0, limiter.acquire("a"));
    assertEquals(0, limiter.acquire("a"));
    assertEquals(0, limiter.acquire("a"));
    long retryAfter = limiter.acquire("a");
    assertTrue(retryAfter > 1 && retryAfter <= 60, "a token a minute: " + retryAfter);
    assertEquals(0, limiter.acquire("b"));
  }

  @Test
  void aFloodOfDistinctKeysKeepsTheMapAtItsBound() {
    KeyedRateLimiter limiter = new KeyedRateLimiter(new RateLimit(10, Duration.ofSeconds(1), 10), 1_000);
    for (int i = 0; i < 50_000; i++) {
      limiter.acquire("client-" + i);
    }
    assertTrue(limiter.trackedKeys() <= 1_000, "tracked: " + limiter.trackedKeys());
  }

  @Test
  void zeroIsNoLimit() {
    KeyedRateLimiter off = new KeyedRateLimiter(RateLimit.OFF, 1);
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, off.acquire("a"));
    }
    assertEquals(0, off.trackedKeys());
  }
}
