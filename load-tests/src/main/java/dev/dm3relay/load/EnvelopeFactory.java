package dev.dm3relay.load;

import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.sender.EnvelopeBuilder;
import dev.dm3relay.protocol.sender.WalletUser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds envelopes exactly as a messenger does (sign, seal for the receiver, seal the routing data
 * for the delivery service, sign the metadata), all before the measured phase: the load generator
 * shares the relay's two cores, so crypto done during the run would be taken from the relay.
 *
 * <p>Every envelope is unique (its text carries the run id and a sequence number): the relay
 * deduplicates by message hash, and a duplicate is answered without a durable write, which would
 * flatter the numbers.
 */
public final class EnvelopeFactory {

  private final List<WalletUser> senders;
  private final List<WalletUser> recipients;
  private final byte[] deliveryServiceKey;
  private final String runId;
  private final int textLength;

  public EnvelopeFactory(List<WalletUser> senders, List<WalletUser> recipients, byte[] deliveryServiceKey, String runId, int targetEnvelopeBytes) {
    if (senders.isEmpty() || recipients.isEmpty()) {
      throw new IllegalArgumentException("need at least one sender and one recipient");
    }
    this.senders = senders;
    this.recipients = recipients;
    this.deliveryServiceKey = deliveryServiceKey.clone();
    this.runId = runId;
    this.textLength = calibrate(targetEnvelopeBytes);
  }

  /** Envelope {@code i}: spreads messages over every (sender, recipient) pair, recipients fastest. */
  public PreparedEnvelope envelope(long i) {
    int recipient = (int) (i % recipients.size());
    int sender = (int) ((i / recipients.size()) % senders.size());
    return build(senders.get(sender), sender, recipients.get(recipient), recipient, text(i, textLength), System.currentTimeMillis());
  }

  /** {@code count} envelopes starting at {@code first}, built on {@code threads} threads. */
  public List<PreparedEnvelope> generate(long first, int count, int threads) {
    int workers = Math.max(1, threads);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<List<PreparedEnvelope>>> parts = new ArrayList<>();
      int chunk = (count + workers - 1) / workers;
      for (int w = 0; w < workers; w++) {
        long from = first + (long) w * chunk;
        long to = Math.min(first + count, from + chunk);
        parts.add(
            pool.submit(
                () -> {
                  List<PreparedEnvelope> out = new ArrayList<>((int) Math.max(0, to - from));
                  for (long i = from; i < to; i++) {
                    out.add(envelope(i));
                  }
                  return out;
                }));
      }
      // parts are contiguous ranges: joined in order they keep index order, so consecutive submits go to different mailboxes
      List<PreparedEnvelope> all = new ArrayList<>(count);
      for (Future<List<PreparedEnvelope>> part : parts) {
        all.addAll(part.get());
      }
      return all;
    } catch (Exception e) {
      throw new IllegalStateException("envelope generation failed", e);
    } finally {
      pool.shutdownNow();
    }
  }

  public int textLength() {
    return textLength;
  }

  private PreparedEnvelope build(WalletUser from, int senderIndex, WalletUser to, int recipientIndex, String text, long timestamp) {
    EncryptionEnvelope envelope =
        EnvelopeBuilder.textMessage(
            from.name(), to.name(), text, timestamp, from.keys().signing(), to.keys().encryption().publicKey(), deliveryServiceKey);
    int size = CanonicalJson.size(Json.parse(envelope.canonical()));
    byte[] body = EnvelopeBuilder.submitRequest(envelope).getBytes(StandardCharsets.UTF_8);
    return new PreparedEnvelope(body, envelope.metadata().messageHash(), size, senderIndex, recipientIndex);
  }

  /** A unique, human-readable text of exactly {@code length} characters (ASCII, so bytes = chars). */
  private String text(long i, int length) {
    StringBuilder text = new StringBuilder(length).append("load ").append(runId).append(' ').append(i).append(' ');
    String filler = "The quick brown fox jumps over the lazy dog. ";
    while (text.length() < length) {
      text.append(filler);
    }
    text.setLength(length);
    return text.toString();
  }

  /**
   * The longest text whose envelope stays within {@code target} bytes. dm3 pads plaintext to
   * 2,048-byte blocks before sealing, so the size grows in steps; the size is monotone in the text
   * length, so a binary search over it finds the edge.
   */
  private int calibrate(int target) {
    WalletUser from = senders.get(0);
    WalletUser to = recipients.get(0);
    // probe with the longest sequence number and a real timestamp: a few more plaintext bytes can
    // cross a padding block and add 2 KB to the envelope
    long probe = 999_999_999L;
    long now = System.currentTimeMillis();
    int low = 40;
    int high = Math.max(low, target);
    if (build(from, 0, to, 0, text(probe, low), now).envelopeBytes() > target) {
      return low;
    }
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (build(from, 0, to, 0, text(probe, mid), now).envelopeBytes() <= target) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

}
