package dev.dm3relay.protocol.crypto.bench;

import dev.dm3relay.protocol.crypto.BouncyCastlePrimitives;
import dev.dm3relay.protocol.crypto.CryptoPrimitives;
import dev.dm3relay.protocol.crypto.JdkPrimitives;
import dev.dm3relay.protocol.crypto.SodiumPrimitives;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Each crypto step of the relay's per-message work, per implementation.
 *
 * <p>Run (from the repository root):
 * {@code mvn -q -B -pl protocol test-compile exec:exec -Djmh.args="PrimitivesBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PrimitivesBenchmark {

  @Param({"bc", "jdk", "sodium"})
  public String impl;

  private CryptoPrimitives primitives;
  private byte[] privateKey;
  private byte[] peerPublicKey;
  private byte[] shared;
  private byte[] kxInput;
  private byte[] key;
  private byte[] nonce;
  private byte[] padded;
  private byte[] ciphertext;
  private byte[] signingKey;
  private byte[] signedText;

  @Setup
  public void setUp() {
    primitives = switch (impl) {
      case "bc" -> new BouncyCastlePrimitives();
      case "jdk" -> new JdkPrimitives();
      case "sodium" -> SodiumPrimitives.load();
      default -> throw new IllegalArgumentException(impl);
    };
    Random random = new Random(1);
    privateKey = BenchmarkData.DS_ENCRYPTION.privateKey();
    peerPublicKey = BenchmarkData.BOB_ENCRYPTION_PUBLIC;
    shared = new byte[32];
    kxInput = new byte[96];
    random.nextBytes(kxInput);
    key = new byte[32];
    random.nextBytes(key);
    nonce = new byte[12];
    random.nextBytes(nonce);
    padded = new byte[2048];
    random.nextBytes(padded);
    ciphertext = primitives.chachaEncrypt(key, nonce, padded);
    signingKey = BenchmarkData.DS_SIGNING_PRIVATE;
    signedText = "0x726e73eab9b42b044d34de1e2532bbc85ade869cd847c024225bd50a979e52f2".getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public byte[] x25519Agreement() {
    primitives.x25519(privateKey, peerPublicKey, shared);
    return shared;
  }

  @Benchmark
  public byte[] x25519KeyGeneration() {
    return primitives.x25519PublicKey(privateKey);
  }

  @Benchmark
  public byte[] blake2b512Of96Bytes() {
    return primitives.blake2b(64, kxInput);
  }

  @Benchmark
  public byte[] chachaDecrypt2064() {
    return primitives.chachaDecrypt(key, nonce, ciphertext);
  }

  @Benchmark
  public byte[] chachaEncrypt2048() {
    // A new nonce each time: the JDK cipher refuses to encrypt twice under one key and nonce.
    nonce[0]++;
    return primitives.chachaEncrypt(key, nonce, padded);
  }

  @Benchmark
  public byte[] ed25519Sign66() {
    return primitives.ed25519Sign(signingKey, signedText);
  }
}
