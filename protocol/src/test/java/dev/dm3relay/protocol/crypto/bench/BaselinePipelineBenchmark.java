package dev.dm3relay.protocol.crypto.bench;

import dev.dm3relay.protocol.crypto.Hex;
import dev.dm3relay.protocol.crypto.Padding;
import dev.dm3relay.protocol.crypto.SealedPayload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The "before" of {@link CryptoPipelineBenchmark}: the same per-message crypto written the
 * straightforward way with Bouncy Castle's key-parameter API, new digests and ciphers per call,
 * and the Ed25519 public key re-derived on every signature. This is what platform.md §4 measured.
 *
 * <p>Run (from the repository root):
 * {@code mvn -q -B -pl protocol test-compile exec:exec -Djmh.args="BaselinePipelineBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BaselinePipelineBenchmark {

  private final SecureRandom random = new SecureRandom();
  private SealedPayload deliveryInformation;
  private String envelopeMessage;
  private long timestamp = 1_717_171_719_234L;

  @Setup
  public void setUp() {
    BenchmarkData.usePrimitives("bc");
    deliveryInformation = BenchmarkData.deliveryInformationForDs();
    envelopeMessage = BenchmarkData.quotedEnvelopeMessage();
  }

  @Benchmark
  public byte[][] perMessage() throws Exception {
    byte[] shared = agree(BenchmarkData.DS_ENCRYPTION.privateKey(), deliveryInformation.ephemPublicKey());
    byte[] key = rxKey(shared, deliveryInformation.ephemPublicKey(), BenchmarkData.DS_ENCRYPTION.publicKey());
    byte[] info = Padding.unpad2048(chacha(false, key, deliveryInformation.nonce(), deliveryInformation.ciphertext()));
    if (info.length != BenchmarkData.DELIVERY_INFORMATION.length) {
      throw new IllegalStateException("DeliveryInformation did not round-trip");
    }

    long incommingTimestamp = timestamp++;
    byte[] message = envelopeMessage.getBytes(StandardCharsets.UTF_8);
    byte[] prefixed = ("\u0019Ethereum Signed Message:\n" + message.length + envelopeMessage).getBytes(StandardCharsets.UTF_8);
    KeccakDigest keccak = new KeccakDigest(256);
    keccak.update(prefixed, 0, prefixed.length);
    byte[] hash = new byte[32];
    keccak.doFinal(hash, 0);
    String messageHash = Hex.prefixed(hash);
    String signedText = Hex.prefixed(sha256(
        ("{\"incommingTimestamp\":" + incommingTimestamp + ",\"messageHash\":\"" + messageHash + "\"}").getBytes(StandardCharsets.UTF_8)));
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, new Ed25519PrivateKeyParameters(BenchmarkData.DS_SIGNING_PRIVATE, 0));
    byte[] signedBytes = signedText.getBytes(StandardCharsets.UTF_8);
    signer.update(signedBytes, 0, signedBytes.length);
    String signature = Base64.getEncoder().encodeToString(signer.generateSignature());
    byte[] postmark = ("{\"incommingTimestamp\":" + incommingTimestamp + ",\"messageHash\":\"" + messageHash
        + "\",\"signature\":\"" + signature + "\"}").getBytes(StandardCharsets.UTF_8);

    X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(random);
    byte[] ephemeralPublic = ephemeral.generatePublicKey().getEncoded();
    byte[] sharedOut = agree(ephemeral.getEncoded(), BenchmarkData.BOB_ENCRYPTION_PUBLIC);
    byte[] txKey = rxKey(sharedOut, ephemeralPublic, BenchmarkData.BOB_ENCRYPTION_PUBLIC);
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    return new byte[][] {chacha(true, txKey, nonce, Padding.pad2048(postmark)), ephemeralPublic, nonce};
  }

  private static byte[] agree(byte[] privateKey, byte[] publicKey) {
    X25519Agreement agreement = new X25519Agreement();
    agreement.init(new X25519PrivateKeyParameters(privateKey, 0));
    byte[] out = new byte[32];
    agreement.calculateAgreement(new X25519PublicKeyParameters(publicKey, 0), out, 0);
    return out;
  }

  private static byte[] rxKey(byte[] shared, byte[] clientPublic, byte[] serverPublic) {
    Blake2bDigest blake = new Blake2bDigest(512);
    blake.update(shared, 0, 32);
    blake.update(clientPublic, 0, 32);
    blake.update(serverPublic, 0, 32);
    byte[] h = new byte[64];
    blake.doFinal(h, 0);
    return Arrays.copyOfRange(h, 32, 64);
  }

  private static byte[] chacha(boolean encrypt, byte[] key, byte[] nonce, byte[] input) throws InvalidCipherTextException {
    ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
    cipher.init(encrypt, new ParametersWithIV(new KeyParameter(key), nonce));
    byte[] out = new byte[cipher.getOutputSize(input.length)];
    int n = cipher.processBytes(input, 0, input.length, out, 0);
    cipher.doFinal(out, n);
    return out;
  }

  private static byte[] sha256(byte[] data) throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }
}
