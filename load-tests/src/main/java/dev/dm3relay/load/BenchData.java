package dev.dm3relay.load;

import dev.dm3relay.protocol.sender.WalletUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything a scenario needs before its first measured request: accounts signed up on the relay,
 * recipients logged in, and the envelopes of the whole run built and held in memory. Timings of
 * this preparation are printed so that a slow setup is not mistaken for a slow relay.
 */
public final class BenchData {

  public final BenchConfig config;
  public final String runId;
  public final List<WalletUser> senders;
  public final List<WalletUser> recipients;
  public final List<String> tokens;
  public final EnvelopeFactory factory;
  private final List<PreparedEnvelope> envelopes;
  private final AtomicLong next = new AtomicLong();
  private final Map<String, String> senderOfHash = new ConcurrentHashMap<>();
  private final LongAdder fetches = new LongAdder();
  private final LongAdder fetchedMessages = new LongAdder();
  private final LongAccumulator mostFetched = new LongAccumulator(Math::max, 0);

  /**
   * @param envelopeCount envelopes to build now (the feeder refuses to go past them, so a run
   *     never silently falls back to duplicates)
   * @param login whether recipients need session tokens (fetch, ack, live delivery)
   */
  public BenchData(BenchConfig config, int envelopeCount, boolean login) {
    this.config = config;
    this.runId = BenchConfig.text("runId", Long.toString(System.currentTimeMillis(), 36));
    Random random = new Random(runId.hashCode());
    long t0 = System.nanoTime();
    RelayClient relay = new RelayClient(config.baseUrl());
    byte[] dsKey = relay.deliveryServiceEncryptionKey();
    List<WalletUser> r = new ArrayList<>();
    for (int i = 0; i < config.recipients(); i++) {
      r.add(WalletUser.create(new Random(random.nextLong())));
    }
    List<WalletUser> s = new ArrayList<>();
    for (int i = 0; i < config.senders(); i++) {
      s.add(WalletUser.create(new Random(random.nextLong())));
    }
    this.recipients = List.copyOf(r);
    this.senders = List.copyOf(s);
    // Only recipients need an account (the relay checks the receiver); senders are registered too,
    // as every real messenger user is, and to give the relay a realistic number of mailboxes.
    List<WalletUser> everyone = new ArrayList<>(recipients);
    everyone.addAll(senders);
    RelayClient.parallel(everyone, 8, u -> {
      relay.signUp(u);
      return null;
    });
    this.tokens = login ? RelayClient.parallel(recipients, 8, relay::login) : List.of();
    long t1 = System.nanoTime();
    this.factory = new EnvelopeFactory(senders, recipients, dsKey, runId, config.envelopeBytes());
    this.envelopes = factory.generate(0, envelopeCount, config.generatorThreads());
    for (PreparedEnvelope e : envelopes) {
      senderOfHash.put(e.messageHash(), senders.get(e.sender()).name());
    }
    long t2 = System.nanoTime();
    PreparedEnvelope sample = envelopes.isEmpty() ? null : envelopes.get(0);
    System.out.printf(
        "[bench] run %s: %d recipients + %d senders signed up%s in %.1f s; %d envelopes of %d bytes (text %d chars, request %d bytes) built in %.1f s%n",
        runId,
        recipients.size(),
        senders.size(),
        login ? " and recipients logged in" : "",
        (t1 - t0) / 1e9,
        envelopes.size(),
        sample == null ? 0 : sample.envelopeBytes(),
        factory.textLength(),
        sample == null ? 0 : sample.body().length,
        (t2 - t1) / 1e9);
  }

  /** The next unused envelope; the generator never reuses one (the relay would deduplicate it). */
  public PreparedEnvelope nextEnvelope() {
    long i = next.getAndIncrement();
    if (i >= envelopes.size()) {
      throw new NoSuchElementException("all " + envelopes.size() + " pre-built envelopes are used; raise the count");
    }
    return envelopes.get((int) i);
  }

  public long used() {
    return Math.min(next.get(), envelopes.size());
  }

  /** An endless feeder of fresh envelopes: body bytes, hash, recipient name. */
  public Iterator<Map<String, Object>> envelopeFeeder() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return next.get() < envelopes.size();
      }

      @Override
      public Map<String, Object> next() {
        PreparedEnvelope e = nextEnvelope();
        return Map.of("body", e.body(), "hash", e.messageHash());
      }
    };
  }

  /** Recipients in turn, with their tokens: each fetch goes to the mailbox least recently read. */
  public Iterator<Map<String, Object>> recipientFeeder() {
    AtomicLong turn = new AtomicLong();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        int i = (int) (turn.getAndIncrement() % recipients.size());
        return Map.of("name", recipients.get(i).name(), "token", tokens.get(i));
      }
    };
  }

  /** The sender name of an envelope this run built, for acknowledgements; null if unknown. */
  public String senderOf(String messageHash) {
    return senderOfHash.get(messageHash);
  }

  /**
   * Counts what a fetch returned: if acknowledgements did not remove messages, mailboxes (and
   * fetch responses) would grow through the run and the fetch latency would measure that instead.
   */
  public void countFetch(int messages) {
    fetches.increment();
    fetchedMessages.add(messages);
    mostFetched.accumulate(messages);
  }

  /** Fetch statistics for the summary: fetches, mean and largest number of messages per fetch. */
  public void putFetchStats(com.fasterxml.jackson.databind.node.ObjectNode node) {
    long n = fetches.sum();
    node.put("fetches", n);
    node.put("messagesPerFetch", n == 0 ? 0 : Math.round(100.0 * fetchedMessages.sum() / n) / 100.0);
    node.put("mostPerFetch", mostFetched.get());
  }

  /** Posts {@code perRecipient} messages to every recipient outside the measurement. */
  public void prefill(int perRecipient) {
    if (perRecipient <= 0) {
      return;
    }
    RelayClient relay = new RelayClient(config.baseUrl());
    List<PreparedEnvelope> batch = new ArrayList<>();
    for (int i = 0; i < perRecipient * recipients.size(); i++) {
      batch.add(nextEnvelope());
    }
    long t0 = System.nanoTime();
    List<Boolean> ok = RelayClient.parallel(batch, 16, relay::submit);
    System.out.printf(
        "[bench] prefilled %d messages (%d refused) in %.1f s%n",
        batch.size(), ok.stream().filter(b -> !b).count(), (System.nanoTime() - t0) / 1e9);
  }

  public static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }
}
