package dev.dm3relay.node.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.dm3relay.protocol.delivery.DeliveryServiceIdentity;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.Nodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the delivery service's keys come from: the four reference settings when they are given
 * (all four or none), else an identity file that the relay creates once with fresh keys and reuses
 * on every start, so its published profile and issued tokens stay valid. Nodes of one cluster must
 * share the identity: give them the settings (the Helm chart's Secret) or one identity file.
 */
public final class IdentityStore {

  private static final Logger log = LoggerFactory.getLogger(IdentityStore.class);
  private static final List<String> SETTINGS =
      List.of("signing-public-key", "signing-private-key", "encryption-public-key", "encryption-private-key");
  private static final List<String> ENV_NAMES =
      List.of("SIGNING_PUBLIC_KEY", "SIGNING_PRIVATE_KEY", "ENCRYPTION_PUBLIC_KEY", "ENCRYPTION_PRIVATE_KEY");

  private IdentityStore() {}

  public static DeliveryServiceIdentity load(Config config) {
    Config c = config.getConfig("dm3relay.identity");
    long given = SETTINGS.stream().filter(k -> !c.getString(k).isBlank()).count();
    if (given == SETTINGS.size()) {
      return DeliveryServiceIdentity.fromBase64(
          c.getString(SETTINGS.get(0)), c.getString(SETTINGS.get(1)), c.getString(SETTINGS.get(2)), c.getString(SETTINGS.get(3)));
    }
    if (given > 0) {
      throw new IllegalArgumentException("set all four of " + ENV_NAMES + " or none of them");
    }
    return fromFile(Path.of(c.getString("identity-file")));
  }

  /** Reads the identity file, creating it with fresh keys (owner-only permissions) if it is missing. */
  public static DeliveryServiceIdentity fromFile(Path file) {
    if (Files.exists(file)) {
      try {
        ObjectNode json = Nodes.object(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), "");
        String[] keys = new String[ENV_NAMES.size()];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = Nodes.requiredString(json, ENV_NAMES.get(i), "");
        }
        return DeliveryServiceIdentity.fromBase64(keys[0], keys[1], keys[2], keys[3]);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("identity file " + file + " is unusable: " + e.getMessage(), e);
      }
    }
    DeliveryServiceIdentity identity = DeliveryServiceIdentity.generate(new SecureRandom());
    ObjectNode json = Json.newObject();
    json.put("SIGNING_PUBLIC_KEY", identity.signingPublicKeyBase64());
    json.put("SIGNING_PRIVATE_KEY", identity.signingPrivateKeyBase64());
    json.put("ENCRYPTION_PUBLIC_KEY", identity.encryptionPublicKeyBase64());
    json.put("ENCRYPTION_PRIVATE_KEY", identity.encryptionPrivateKeyBase64());
    if (!createOnce(file, json.toPrettyString())) {
      // Another process created it first (relays of a cluster sharing IDENTITY_FILE, started
      // together): that one is the identity, or the nodes would sign with different keys.
      return fromFile(file);
    }
    log.info("Created a new delivery-service identity in {} (signing key {})", file, identity.signingPublicKeyBase64());
    return identity;
  }

  /**
   * Writes {@code content} to {@code file} unless the file exists, atomically: the content is
   * written to a private temporary file, which is then hard-linked to the name (a link fails if
   * the name exists, so of two creators exactly one wins and nobody ever reads a half-written file).
   *
   * @return false when the file existed already
   */
  private static boolean createOnce(Path file, String content) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".identity", ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
          // best effort on file systems without POSIX permissions
        }
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        try {
          Files.createLink(file, tmp);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
          if (noLinks instanceof FileAlreadyExistsException exists) {
            throw exists;
          }
          Files.move(tmp, file); // no hard links here: a rename that refuses an existing name
        }
        return true;
      } catch (FileAlreadyExistsException exists) {
        return false;
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
