package dev.dm3relay.node.admin;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;

/**
 * The admin API's settings ({@code dm3relay.admin}, admin.conf).
 *
 * @param token the bearer token the admin routes require; empty: no admin routes (404)
 * @param blocklistRefresh how often each node reloads the block list besides the change notices
 */
public record AdminSettings(Optional<String> token, Duration blocklistRefresh) {

  public AdminSettings {
    token.ifPresent(
        t -> {
          if (t.length() < 16) {
            throw new IllegalArgumentException("ADMIN_TOKEN must be at least 16 characters (it guards purges and blocks)");
          }
        });
    if (blocklistRefresh.isNegative() || blocklistRefresh.isZero()) {
      throw new IllegalArgumentException("ADMIN_BLOCKLIST_REFRESH must be positive");
    }
  }

  public static AdminSettings from(Config root) {
    Config c = root.getConfig("dm3relay.admin");
    String token = c.getString("token").trim();
    return new AdminSettings(token.isEmpty() ? Optional.empty() : Optional.of(token), c.getDuration("blocklist-refresh"));
  }
}
