package dev.dm3relay.node.store;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the directory of Cassandra server jars that the embedded Cassandra runs from.
 *
 * <p>The jars are never on the relay's classpath; the build module {@code cassandra-server} copies
 * them to {@code cassandra-server/target/lib}. Looked up, in order:
 * <ol>
 *   <li>an explicitly configured directory ({@code CASSANDRA_SERVER_LIB});
 *   <li>{@code cassandra-lib/} next to the relay jar (a deployed layout: jar plus that folder);
 *   <li>{@code cassandra-server/target/lib} in the source tree the relay jar or classes were built
 *       in (so {@code java -jar node/target/dm3-relay.jar} and the tests work right after a build).
 * </ol>
 */
public final class CassandraServerJars {

  static final String MAIN_JAR_PREFIX = "cassandra-all-";

  private CassandraServerJars() {}

  public static Path locate(Optional<Path> configured) {
    List<Path> tried = new ArrayList<>();
    if (configured.isPresent()) {
      Path dir = configured.get().toAbsolutePath().normalize();
      if (holdsCassandra(dir)) {
        return dir;
      }
      throw new IllegalStateException(
          "Configured Cassandra server lib dir " + dir + " holds no " + MAIN_JAR_PREFIX + "*.jar");
    }
    Optional<Path> codeDir = codeLocation().map(Path::getParent);
    if (codeDir.isPresent()) {
      Path besideJar = codeDir.get().resolve("cassandra-lib");
      tried.add(besideJar);
      if (holdsCassandra(besideJar)) {
        return besideJar;
      }
      for (Path dir = codeDir.get(); dir != null; dir = dir.getParent()) {
        Path inTree = dir.resolve("cassandra-server").resolve("target").resolve("lib");
        tried.add(inTree);
        if (holdsCassandra(inTree)) {
          return inTree;
        }
      }
    }
    throw new IllegalStateException(
        "No Cassandra server jars found (tried " + tried + "). Build them with "
            + "`mvn -DskipTests package` in the repository, or set CASSANDRA_SERVER_LIB, "
            + "or set CASSANDRA_CONTACT_POINTS to use an external Cassandra.");
  }

  static boolean holdsCassandra(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var files = Files.list(dir)) {
      return files.anyMatch(
          f -> {
            String name = f.getFileName().toString();
            return name.startsWith(MAIN_JAR_PREFIX) && name.endsWith(".jar");
          });
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The relay jar, or the classes directory when run from an IDE or by the tests. */
  private static Optional<Path> codeLocation() {
    CodeSource source = CassandraServerJars.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath().normalize());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
