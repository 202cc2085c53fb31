/**
 * dm3's cryptography (protocol digest §3), byte for byte as the dm3 client libraries do it.
 *
 * <ul>
 *   <li>{@link dev.dm3relay.protocol.crypto.X25519Kx}, {@link dev.dm3relay.protocol.crypto.Ed25519}:
 *       libsodium-layout keys ({@code crypto_kx_seed_keypair}, {@code crypto_sign_seed_keypair}).
 *   <li>{@link dev.dm3relay.protocol.crypto.AsymmetricEncryption} (EncryptedPayload),
 *       {@link dev.dm3relay.protocol.crypto.SymmetricEncryption}, {@link dev.dm3relay.protocol.crypto.Padding}:
 *       every failure to open is one unchecked {@link dev.dm3relay.protocol.crypto.DecryptionException}.
 *   <li>{@link dev.dm3relay.protocol.crypto.Ethereum}: EIP-55, EIP-191 {@code hashMessage},
 *       {@code personal_sign} and signer recovery.
 *   <li>{@link dev.dm3relay.protocol.crypto.EphemeralKeyPool}: postmark ephemeral keys made ahead.
 *   <li>{@link dev.dm3relay.protocol.crypto.Hashes}, {@link dev.dm3relay.protocol.crypto.Hex}.
 * </ul>
 *
 * <p>The curve and cipher work goes through {@link dev.dm3relay.protocol.crypto.CryptoPrimitives#active()}:
 * libsodium (bundled in lazysodium-java, loaded through JNA) when it loads and passes a known-answer
 * self-test, otherwise pure Java ({@link dev.dm3relay.protocol.crypto.PureJavaPrimitives}). The
 * system property {@code dm3.crypto.primitives} = {@code auto} (default), {@code sodium},
 * {@code java}, {@code bc} or {@code jdk} forces a choice. lazysodium unpacks the library into the
 * temporary directory, so a read-only {@code java.io.tmpdir} means pure Java (logged as a warning).
 * Both produce the same bytes; libsodium is about twice as fast (protocol/BENCHMARKS.md).
 *
 * <p>All classes are thread-safe. Byte arrays passed in or returned are not copied.
 */
package dev.dm3relay.protocol.crypto;
