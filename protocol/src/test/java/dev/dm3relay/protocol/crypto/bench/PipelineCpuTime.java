package dev.dm3relay.protocol.crypto.bench;

import dev.dm3relay.protocol.crypto.CryptoPrimitives;
import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.crypto.SealedPayload;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A cross-check for the JMH figures on a shared machine: runs {@link RelayCryptoPipeline} and
 * divides the operations by the CPU time this thread consumed, which other processes competing
 * for the cores do not inflate the way they inflate wall-clock time. Not a JMH benchmark.
 *
 * <p>Run (from the repository root), once per implementation (bc, java, sodium):
 * {@code mvn -q -B -pl protocol test-compile exec:exec -Dbench.main=dev.dm3relay.protocol.crypto.bench.PipelineCpuTime -Djmh.args=sodium}
 */
public final class PipelineCpuTime {

  private PipelineCpuTime() {}

  public static void main(String[] args) {
    String impl = args.length > 0 ? args[0] : "sodium";
    BenchmarkData.usePrimitives(impl);
    SealedPayload deliveryInformation = BenchmarkData.deliveryInformationForDs();
    String message = BenchmarkData.quotedEnvelopeMessage();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (EphemeralKeyPool pool = new EphemeralKeyPool(8192)) {
      for (String keys : new String[] {"inline", "pool"}) {
        EphemeralKeyPool source = keys.equals("pool") ? pool : null;
        long timestamp = 1_717_171_719_234L;
        for (int i = 0; i < 20_000; i++) { // warm-up: let the JIT compile the hot path
          RelayCryptoPipeline.perMessage(deliveryInformation, message, timestamp++, source);
        }
        int rounds = 20_000;
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
          RelayCryptoPipeline.perMessage(deliveryInformation, message, timestamp++, source);
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        long wall = System.nanoTime() - wallStart;
        System.out.printf("%s keys=%s: %.0f ops per CPU-second of the request thread, %.0f ops/s wall clock%s%n",
            CryptoPrimitives.active().name(), keys, rounds * 1e9 / cpu, rounds * 1e9 / wall,
            source == null ? "" : " (pool misses " + pool.misses() + ")");
      }
    }
  }
}
