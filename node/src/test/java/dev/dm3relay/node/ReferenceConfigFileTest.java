package dev.dm3relay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.dm3relay.node.notification.NotificationSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reference deployment's config.yml (DS_CONFIG) read as our settings; the environment wins. */
class ReferenceConfigFileTest {

  @TempDir Path dir;

  private Path file(String yaml) throws Exception {
    Path f = dir.resolve("config.yml");
    Files.writeString(f, yaml);
    return f;
  }

  private static final String REFERENCE =
      """
      messageTTL: 172800000
      sizeLimit: 50000
      metricsCollectionIntervalInSeconds: 3600
      metricsRetentionDurationInSeconds: 0
      notificationChannel:
        - type: EMAIL
          config:
            smtpHost: smtp.example.org
            smtpPort: 2525
            smtpEmail: relay@example.org
            smtpUsername: relay
            smtpPassword: s3cret
      """;

  @Test
  void theReferencesKeysBecomeOurSettings() throws Exception {
    Config config = RelayConfig.load(ConfigFactory.empty(), Map.of("DS_CONFIG", file(REFERENCE).toString()));
    assertEquals(50000, config.getInt("dm3relay.api.size-limit"));
    assertEquals(2.0, config.getDouble("dm3relay.mailbox.message-ttl-days"), 1e-9);
    assertEquals(3600, config.getDuration("dm3relay.metrics.collection-interval").toSeconds());
    assertEquals(0, config.getDuration("dm3relay.metrics.retention").toSeconds());
    NotificationSettings.Email email = NotificationSettings.from(config).email().orElseThrow();
    assertEquals("smtp.example.org", email.host());
    assertEquals(2525, email.port());
    assertEquals("relay@example.org", email.from());
    assertEquals("s3cret", email.password());
    assertTrue(!email.toString().contains("s3cret"), "a password is never printed");
  }

  @Test
  void theEnvironmentWinsOverTheFile() throws Exception {
    Config config =
        RelayConfig.load(ConfigFactory.empty(), Map.of("DS_CONFIG", file(REFERENCE).toString(), "SIZE_LIMIT", "70000", "SMTP_PORT", "587"));
    assertEquals(70000, config.getInt("dm3relay.api.size-limit"));
    assertEquals(587, NotificationSettings.from(config).email().orElseThrow().port());
  }

  @Test
  void unknownKeysStopTheStartWithTheirName() throws Exception {
    IllegalArgumentException top =
        assertThrows(IllegalArgumentException.class, () -> RelayConfig.load(ConfigFactory.empty(), Map.of("DS_CONFIG", file("sizeLimt: 5\n").toString())));
    assertTrue(top.getMessage().contains("unknown key sizeLimt"), top.getMessage());
    IllegalArgumentException nested =
        assertThrows(
            IllegalArgumentException.class,
            () -> RelayConfig.load(ConfigFactory.empty(), Map.of("DS_CONFIG",
                file("notificationChannel:\n  - type: PUSH\n    config:\n      vapidKey: x\n").toString())));
    assertTrue(nested.getMessage().contains("notificationChannel[0].config.vapidKey"), nested.getMessage());
    IllegalArgumentException type =
        assertThrows(
            IllegalArgumentException.class,
            () -> RelayConfig.load(ConfigFactory.empty(), Map.of("DS_CONFIG", file("notificationChannel:\n  - type: SMS\n    config: {}\n").toString())));
    assertTrue(type.getMessage().contains("must be EMAIL or PUSH"), type.getMessage());
  }
}
