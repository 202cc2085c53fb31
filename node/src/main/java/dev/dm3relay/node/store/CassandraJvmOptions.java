package dev.dm3relay.node.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags Cassandra 5.0 needs on Java 17 (its own jvm17-server.options set). Without them it
 * dies within seconds ("unable to access required classes ... DirectBuffer.cleaner"). Nobody has
 * shrunk this set; keep it whole.
 */
final class CassandraJvmOptions {

  private CassandraJvmOptions() {}

  static final List<String> JDK17 = build();

  private static List<String> build() {
    List<String> flags = new ArrayList<>();
    flags.add("-XX:+UseG1GC");
    flags.add("-XX:+ParallelRefProcEnabled");
    flags.add("-Djdk.attach.allowAttachSelf=true");
    flags.add("-Djava.net.preferIPv4Stack=true");
    flags.add("-Dio.netty.tryReflectionSetAccessible=true");
    for (String export :
        List.of(
            "java.base/jdk.internal.misc",
            "java.management.rmi/com.sun.jmx.remote.internal.rmi",
            "java.rmi/sun.rmi.registry",
            "java.rmi/sun.rmi.server",
            "java.sql/java.sql",
            "java.base/java.lang.ref",
            "jdk.unsupported/sun.misc",
            "jdk.compiler/com.sun.tools.javac.file",
            "jdk.attach/sun.tools.attach")) {
      flags.add("--add-exports");
      flags.add(export + "=ALL-UNNAMED");
    }
    for (String open :
        List.of(
            "java.base/java.lang.module",
            "java.base/jdk.internal.loader",
            "java.base/jdk.internal.ref",
            "java.base/jdk.internal.reflect",
            "java.base/jdk.internal.math",
            "java.base/jdk.internal.module",
            "java.base/jdk.internal.util.jar",
            "java.base/sun.nio.ch",
            "java.base/java.io",
            "java.base/java.lang.reflect",
            "java.base/java.lang",
            "java.base/java.util",
            "jdk.management/com.sun.management.internal",
            "jdk.compiler/com.sun.tools.javac")) {
      flags.add("--add-opens");
      flags.add(open + "=ALL-UNNAMED");
    }
    return List.copyOf(flags);
  }
}
