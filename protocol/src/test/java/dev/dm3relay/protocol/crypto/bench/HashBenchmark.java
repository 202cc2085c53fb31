package dev.dm3relay.protocol.crypto.bench;

import dev.dm3relay.protocol.crypto.Ethereum;
import dev.dm3relay.protocol.crypto.Hashes;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hashes of the postmark: keccak-256 of the 2,884-byte stringify(envelope.message) (EIP-191) and SHA-256
 * of the short signed object. libsodium has neither keccak nor a faster SHA-256 than the JDK's.
 *
 * <p>Run (from the repository root):
 * {@code mvn -q -B -pl protocol test-compile exec:exec -Djmh.args="HashBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HashBenchmark {

  private String message;
  private byte[] messageBytes;
  private byte[] signedObject;

  @Setup
  public void setUp() {
    message = BenchmarkData.quotedEnvelopeMessage();
    messageBytes = message.getBytes(StandardCharsets.UTF_8);
    signedObject = ("{\"incommingTimestamp\":1717171719234,\"messageHash\":"
        + "\"0x176787ebd25f635758e828d59cef50807cad608afacd0ae9c3f192750bcb0995\"}").getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public byte[] keccak2884BouncyCastleFresh() {
    KeccakDigest digest = new KeccakDigest(256);
    digest.update(messageBytes, 0, messageBytes.length);
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }

  @Benchmark
  public byte[] keccak2884Hashes() {
    return Hashes.keccak256(messageBytes);
  }

  @Benchmark
  public byte[] eip191HashOfText() {
    return Ethereum.eip191Hash(message);
  }

  @Benchmark
  public byte[] sha256SignedObjectJdk() {
    return Hashes.sha256(signedObject);
  }

  @Benchmark
  public byte[] sha256SignedObjectBouncyCastle() {
    SHA256Digest digest = new SHA256Digest();
    digest.update(signedObject, 0, signedObject.length);
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }
}
