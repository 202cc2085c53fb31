package dev.dm3relay.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EphemeralKeyPoolTest {

  @Test
  void handsOutEachKeyOnceAcrossThreads() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    try (EphemeralKeyPool pool = new EphemeralKeyPool(64)) {
      ExecutorService takers = Executors.newFixedThreadPool(4);
      try {
        Future<?>[] futures = new Future<?>[4];
        for (int t = 0; t < 4; t++) {
          futures[t] = takers.submit(() -> {
            for (int i = 0; i < 500; i++) {
              KeyPair keys = pool.take();
              if (!seen.add(Base64.getEncoder().encodeToString(keys.privateKey()))) {
                duplicates.incrementAndGet();
              }
            }
          });
        }
        for (Future<?> f : futures) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        takers.shutdownNow();
      }
    }
    assertEquals(0, duplicates.get());
    assertEquals(2000, seen.size());
  }

  @Test
  void poolKeysAreValidX25519KeyPairs() {
    try (EphemeralKeyPool pool = new EphemeralKeyPool(4)) {
      for (int i = 0; i < 10; i++) {
        KeyPair keys = pool.take();
        assertArrayEquals(CryptoPrimitives.pureJava().x25519PublicKey(keys.privateKey()), keys.publicKey());
      }
    }
  }

  @Test
  void anEmptyPoolGeneratesInlineInsteadOfWaiting() throws InterruptedException {
    CountDownLatch refillerStarted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger inline = new AtomicInteger();
    try (EphemeralKeyPool pool = new EphemeralKeyPool(8, () -> {
      if (Thread.currentThread().getName().equals("dm3-ephemeral-keys")) {
        refillerStarted.countDown();
        try {
          never.await(); // a refiller that never delivers
        } catch (InterruptedException closed) {
          Thread.currentThread().interrupt(); // so that the refill loop ends
        }
        return X25519Kx.generate();
      }
      inline.incrementAndGet();
      return X25519Kx.generate();
    })) {
      assertTrue(refillerStarted.await(10, TimeUnit.SECONDS));
      assertEquals(0, pool.available());
      Set<String> keys = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        keys.add(pool.take().publicKeyBase64());
      }
      assertEquals(3, keys.size());
      assertEquals(3, pool.misses());
      assertEquals(3, inline.get());
    }
  }

  @Test
  void fillsUpToItsCapacity() throws InterruptedException {
    try (EphemeralKeyPool pool = new EphemeralKeyPool(16)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (pool.available() < 16 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(16, pool.available());
      pool.take();
      assertEquals(0, pool.misses());
    }
  }

  @Test
  void sleepsUntilDownToHalfThenFillsUpInOneGo() throws InterruptedException {
    AtomicInteger generated = new AtomicInteger();
    try (EphemeralKeyPool pool = new EphemeralKeyPool(16, () -> {
      generated.incrementAndGet();
      return X25519Kx.generate();
    })) {
      awaitAvailable(pool, 16);
      for (int i = 0; i < 7; i++) {
        pool.take(); // 9 left: above half, the refiller is not woken
      }
      Thread.sleep(200);
      assertEquals(9, pool.available());
      assertEquals(16, generated.get());
      pool.take(); // 8 left: half, the refiller fills up again
      awaitAvailable(pool, 16);
      assertEquals(24, generated.get());
      assertEquals(0, pool.misses());
    }
  }

  private static void awaitAvailable(EphemeralKeyPool pool, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pool.available() < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(expected, pool.available());
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThrows(IllegalArgumentException.class, () -> new EphemeralKeyPool(0));
  }
}
