package dev.dm3relay.node.ens;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A bounded cache of asynchronous answers with two lifetimes: one for positive answers and a
 * shorter one for negative ones, so that a newly registered name shows up soon while a known one
 * costs no chain calls. Concurrent requests for the same key share one load. A failed load is not
 * kept: the next request tries again. When full, the least recently used entry goes.
 */
final class TtlCache<K, V> {

  private final int maxEntries;
  private final long positiveTtlNanos;
  private final long negativeTtlNanos;
  private final Predicate<V> isPositive;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<K, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);

  private static final class Entry<V> {
    final CompletableFuture<V> value = new CompletableFuture<>();

    /** Long.MAX_VALUE while the load runs. */
    long expiresAtNanos = Long.MAX_VALUE;
  }

  TtlCache(
      int maxEntries,
      Duration positiveTtl,
      Duration negativeTtl,
      Predicate<V> isPositive,
      LongSupplier nanoTime) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.maxEntries = maxEntries;
    this.positiveTtlNanos = positiveTtl.toNanos();
    this.negativeTtlNanos = negativeTtl.toNanos();
    this.isPositive = isPositive;
    this.nanoTime = nanoTime;
  }

  /**
   * The cached answer for {@code key}, or {@code loader}'s, shared with every concurrent caller.
   */
  CompletionStage<V> get(K key, Function<K, CompletionStage<V>> loader) {
    Objects.requireNonNull(key, "key");
    Entry<V> entry;
    boolean mine = false;
    synchronized (entries) {
      long now = nanoTime.getAsLong();
      entry = entries.get(key);
      if (entry != null
          && entry.expiresAtNanos != Long.MAX_VALUE
          && now - entry.expiresAtNanos >= 0) {
        entries.remove(key);
        entry = null;
      }
      if (entry == null) {
        entry = new Entry<>();
        entries.put(key, entry);
        mine = true;
        evictIfFull(now);
      }
    }
    if (mine) {
      load(key, entry, loader);
    }
    // A copy, so that a caller completing or cancelling its stage cannot touch the shared one.
    return entry.value.copy();
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private void load(K key, Entry<V> entry, Function<K, CompletionStage<V>> loader) {
    CompletionStage<V> loading;
    try {
      loading = loader.apply(key);
    } catch (RuntimeException e) {
      loading = CompletableFuture.failedFuture(e);
    }
    loading.whenComplete(
        (value, failure) -> {
          synchronized (entries) {
            if (failure != null) {
              entries.remove(key, entry);
            } else {
              long ttl = isPositive.test(value) ? positiveTtlNanos : negativeTtlNanos;
              entry.expiresAtNanos = nanoTime.getAsLong() + Math.max(ttl, 0);
              if (ttl <= 0) {
                entries.remove(key, entry);
              }
            }
          }
          if (failure != null) {
            entry.value.completeExceptionally(failure);
          } else {
            entry.value.complete(value);
          }
        });
  }

  /** Drops expired entries first, then the least recently used finished ones, down to the bound. */
  private void evictIfFull(long now) {
    if (entries.size() <= maxEntries) {
      return;
    }
    entries
        .values()
        .removeIf(e -> e.expiresAtNanos != Long.MAX_VALUE && now - e.expiresAtNanos >= 0);
    Iterator<Map.Entry<K, Entry<V>>> oldestFirst = entries.entrySet().iterator();
    while (entries.size() > maxEntries && oldestFirst.hasNext()) {
      Entry<V> candidate = oldestFirst.next().getValue();
      // A load in flight stays: its callers are waiting on it and it will be counted when done.
      if (candidate.expiresAtNanos != Long.MAX_VALUE) {
        oldestFirst.remove();
      }
    }
  }
}
