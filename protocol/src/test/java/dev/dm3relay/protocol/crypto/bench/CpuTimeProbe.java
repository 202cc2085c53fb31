package dev.dm3relay.protocol.crypto.bench;

import dev.dm3relay.protocol.crypto.BouncyCastlePrimitives;
import dev.dm3relay.protocol.crypto.CryptoPrimitives;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.crypto.JdkPrimitives;
import dev.dm3relay.protocol.crypto.PureJavaPrimitives;
import dev.dm3relay.protocol.crypto.SealedPayload;
import dev.dm3relay.protocol.crypto.SodiumPrimitives;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.IntSupplier;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * A cross-check for the JMH figures on a shared machine: runs each step, or the whole
 * {@link RelayCryptoPipeline}, and divides the operations by the CPU time this thread consumed.
 * Other processes competing for the two cores inflate wall-clock time (and so JMH's scores) but
 * hardly this. Not a JMH benchmark; one implementation per JVM, so that the JIT sees one.
 *
 * <p>Run (from the repository root), with {@code steps:IMPL} (IMPL = bc, jdk, java or sodium) or
 * {@code pipeline:IMPL} (IMPL = bc, java, sodium, or baseline for {@link BaselinePipelineBenchmark}):
 * {@code mvn -q -B -pl protocol test-compile exec:exec -Dbench.main=dev.dm3relay.protocol.crypto.bench.CpuTimeProbe -Djmh.args=pipeline:sodium}
 */
public final class CpuTimeProbe {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CpuTimeProbe() {}

  public static void main(String[] args) {
    String[] what = (args.length > 0 ? args[0] : "pipeline:sodium").split(":", 2);
    if (what[0].equals("steps")) {
      steps(what[1]);
    } else {
      pipeline(what[1]);
    }
  }

  private static void pipeline(String impl) {
    if (impl.equals("baseline")) {
      BaselinePipelineBenchmark baseline = new BaselinePipelineBenchmark();
      baseline.setUp();
      measure("baseline pipeline (plain BC, inline keys)", 500, () -> {
        try {
          return baseline.perMessage().length;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      return;
    }
    BenchmarkData.usePrimitives(impl);
    SealedPayload deliveryInformation = BenchmarkData.deliveryInformationForDs();
    String message = BenchmarkData.quotedEnvelopeMessage();
    try (EphemeralKeyPool pool = new EphemeralKeyPool(8192)) {
      long[] timestamp = {1_717_171_719_234L};
      measure(impl + " pipeline keys=inline", 2_000, () -> {
        RelayCryptoPipeline.perMessage(deliveryInformation, message, timestamp[0]++, null);
        return 1;
      });
      measure(impl + " pipeline keys=pool", 2_000, () -> {
        RelayCryptoPipeline.perMessage(deliveryInformation, message, timestamp[0]++, pool);
        return 1;
      });
      System.out.println("pool misses: " + pool.misses());
    }
  }

  private static void steps(String impl) {
    CryptoPrimitives p = switch (impl) {
      case "bc" -> new BouncyCastlePrimitives();
      case "jdk" -> new JdkPrimitives();
      case "java" -> new PureJavaPrimitives();
      case "sodium" -> SodiumPrimitives.load();
      default -> throw new IllegalArgumentException(impl);
    };
    Random random = new Random(1);
    byte[] privateKey = BenchmarkData.DS_ENCRYPTION.privateKey();
    byte[] shared = new byte[32];
    byte[] kxInput = bytes(random, 96);
    byte[] key = bytes(random, 32);
    byte[] nonce = bytes(random, 12);
    byte[] padded = bytes(random, 2048);
    byte[] ciphertext = p.chachaEncrypt(key, nonce, padded);
    byte[] signedText = "0x726e73eab9b42b044d34de1e2532bbc85ade869cd847c024225bd50a979e52f2".getBytes(StandardCharsets.UTF_8);
    measure(impl + " x25519Agreement", 1_000, () -> p.x25519(privateKey, BenchmarkData.BOB_ENCRYPTION_PUBLIC, shared) ? 1 : 0);
    measure(impl + " x25519KeyGeneration", 1_000, () -> p.x25519PublicKey(privateKey).length);
    measure(impl + " blake2b512Of96Bytes", 100_000, () -> p.blake2b(64, kxInput).length);
    measure(impl + " chachaDecrypt2064", 10_000, () -> p.chachaDecrypt(key, nonce, ciphertext).length);
    measure(impl + " chachaEncrypt2048", 10_000, () -> {
      nonce[0]++;
      return p.chachaEncrypt(key, nonce, padded).length;
    });
    measure(impl + " ed25519Sign66", 2_000, () -> p.ed25519Sign(BenchmarkData.DS_SIGNING_PRIVATE, signedText).length);
    if (impl.equals("bc")) {
      String message = BenchmarkData.quotedEnvelopeMessage();
      byte[] messageBytes = message.getBytes(StandardCharsets.UTF_8);
      byte[] signedObject = ("{\"incommingTimestamp\":1717171719234,\"messageHash\":"
          + "\"0x176787ebd25f635758e828d59cef50807cad608afacd0ae9c3f192750bcb0995\"}").getBytes(StandardCharsets.UTF_8);
      measure("keccak2884 (BC, per-thread digest)", 10_000, () -> Hashes.keccak256(messageBytes).length);
      measure("eip191HashOfText (UTF-8 + keccak)", 10_000, () -> Ethereum.eip191Hash(message).length);
      measure("sha256SignedObject JDK", 200_000, () -> Hashes.sha256(signedObject).length);
      measure("sha256SignedObject BC", 200_000, () -> {
        SHA256Digest digest = new SHA256Digest();
        digest.update(signedObject, 0, signedObject.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out.length;
      });
    }
  }

  /** Warms up for two one-second rounds, then reports the median and the best of five more. */
  private static void measure(String name, int batch, IntSupplier op) {
    long sink = 0;
    double[] rates = new double[5];
    for (int round = 0; round < 7; round++) {
      long ops = 0;
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      long cpu;
      do {
        for (int i = 0; i < batch; i++) {
          sink += op.getAsInt();
        }
        ops += batch;
        cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
      } while (cpu < 1_000_000_000L);
      if (round >= 2) {
        rates[round - 2] = ops * 1e9 / cpu;
      }
    }
    java.util.Arrays.sort(rates);
    System.out.printf("%-40s median %,11.0f  best %,11.0f ops per CPU-second%s%n",
        name, rates[2], rates[4], sink == 42 ? " " : "");
  }

  private static byte[] bytes(Random random, int length) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return out;
  }
}
