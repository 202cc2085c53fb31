package dev.dm3relay.protocol.crypto.bench;

import dev.dm3relay.protocol.crypto.EphemeralKeyPool;
import dev.dm3relay.protocol.crypto.SealedPayload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The crypto a relay does per accepted message, through the public API, on bytes (no JSON
 * parsing): open the DeliveryInformation with the DS key, then build and encrypt the postmark
 * (EIP-191 hash of envelope.message, sha256hex of the signed object, Ed25519 signature, encryption
 * for the receiver). {@code keys=inline} makes the ephemeral key on the request path;
 * {@code keys=pool} takes it from an {@link EphemeralKeyPool} whose thread refills it on the
 * other core (its cost still burns CPU, just not on this thread).
 *
 * <p>Run (from the repository root):
 * {@code mvn -q -B -pl protocol test-compile exec:exec -Djmh.args="CryptoPipelineBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoPipelineBenchmark {

  @Param({"bc", "java", "sodium"})
  public String impl;

  @Param({"inline", "pool"})
  public String keys;

  private SealedPayload deliveryInformation;
  private String envelopeMessage;
  private EphemeralKeyPool pool;
  private long timestamp = 1_717_171_719_234L;

  @Setup
  public void setUp() {
    BenchmarkData.usePrimitives(impl);
    deliveryInformation = BenchmarkData.deliveryInformationForDs();
    envelopeMessage = BenchmarkData.quotedEnvelopeMessage();
    pool = keys.equals("pool") ? new EphemeralKeyPool(4096) : null;
  }

  @TearDown
  public void tearDown() {
    if (pool != null) {
      pool.close();
    }
  }

  @Benchmark
  public SealedPayload perMessage() {
    return RelayCryptoPipeline.perMessage(deliveryInformation, envelopeMessage, timestamp++, pool);
  }
}
