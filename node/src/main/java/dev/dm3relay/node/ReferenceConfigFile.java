package dev.dm3relay.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The dm3 reference delivery service's {@code config.yml} (DS_CONFIG), so that an operator moves
 * over with the file they have. Its keys become the environment variables our configuration reads
 * (the environment wins over the file); a key we do not know, or a value of the wrong type, stops
 * the relay at start with the key's name, never a silent default.
 *
 * <p>{@code messageTTL} is milliseconds there (the reference's unit) and days here; the metrics
 * intervals are seconds there.
 */
final class ReferenceConfigFile {

  static final String VARIABLE = "DS_CONFIG";

  private static final Set<String> TOP = Set.of(
      "messageTTL", "sizeLimit", "notificationChannel", "metricsCollectionIntervalInSeconds", "metricsRetentionDurationInSeconds");

  private static final Map<String, String> EMAIL = Map.of(
      "smtpHost", "SMTP_HOST",
      "smtpPort", "SMTP_PORT",
      "smtpUsername", "SMTP_USERNAME",
      "smtpPassword", "SMTP_PASSWORD",
      "smtpEmail", "SMTP_FROM");

  private static final Map<String, String> PUSH = Map.of(
      "vapidEmailId", "VAPID_SUBJECT",
      "publicVapidKey", "VAPID_PUBLIC_KEY",
      "privateVapidKey", "VAPID_PRIVATE_KEY");

  private ReferenceConfigFile() {}

  /** {@code environment} with what DS_CONFIG names filled in below it; as it is without DS_CONFIG. */
  static Map<String, String> under(Map<String, String> environment) {
    String file = environment.get(VARIABLE);
    if (file == null || file.isBlank()) {
      return environment;
    }
    Map<String, String> merged = new LinkedHashMap<>(read(Path.of(file.trim())));
    merged.putAll(environment); // the environment wins
    return merged;
  }

  /** The variables a config.yml stands for. */
  static Map<String, String> read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(VARIABLE + " " + file + " cannot be read as YAML: " + e.getMessage(), e);
    }
    Map<String, String> vars = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return vars; // an empty file: the defaults, as the reference
    }
    if (!root.isObject()) {
      throw invalid(file, "the document is not a mapping");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!TOP.contains(name)) {
        throw invalid(file, "unknown key " + name + " (known: " + String.join(", ", new java.util.TreeSet<>(TOP)) + ")");
      }
    }
    if (root.has("sizeLimit")) {
      vars.put("SIZE_LIMIT", number(file, root, "sizeLimit").toBigInteger().toString());
    }
    if (root.has("messageTTL")) {
      BigDecimal days = number(file, root, "messageTTL").divide(BigDecimal.valueOf(86_400_000L), 12, java.math.RoundingMode.HALF_UP);
      vars.put("MESSAGE_TTL_DAYS", days.stripTrailingZeros().toPlainString());
    }
    if (root.has("metricsCollectionIntervalInSeconds")) {
      vars.put("METRICS_COLLECTION_INTERVAL", number(file, root, "metricsCollectionIntervalInSeconds").toBigInteger() + "s");
    }
    if (root.has("metricsRetentionDurationInSeconds")) {
      vars.put("METRICS_RETENTION", number(file, root, "metricsRetentionDurationInSeconds").toBigInteger() + "s");
    }
    JsonNode channels = root.path("notificationChannel");
    if (!channels.isMissingNode() && !channels.isNull()) {
      if (!channels.isArray()) {
        throw invalid(file, "notificationChannel is not a list");
      }
      for (int i = 0; i < channels.size(); i++) {
        channel(file, channels.get(i), "notificationChannel[" + i + "]", vars);
      }
    }
    return vars;
  }

  private static void channel(Path file, JsonNode channel, String where, Map<String, String> vars) {
    if (!channel.isObject()) {
      throw invalid(file, where + " is not a mapping");
    }
    for (Iterator<String> names = channel.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("type") && !name.equals("config")) {
        throw invalid(file, "unknown key " + where + "." + name);
      }
    }
    String type = channel.path("type").asText("");
    Map<String, String> keys =
        switch (type) {
          case "EMAIL" -> EMAIL;
          case "PUSH" -> PUSH;
          default -> throw invalid(file, where + ".type must be EMAIL or PUSH");
        };
    JsonNode config = channel.path("config");
    if (!config.isObject()) {
      throw invalid(file, where + ".config is not a mapping");
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = config.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String variable = keys.get(field.getKey());
      if (variable == null) {
        throw invalid(file, "unknown key " + where + ".config." + field.getKey() + " (known for " + type + ": "
            + String.join(", ", new java.util.TreeSet<>(keys.keySet())) + ")");
      }
      if (!field.getValue().isValueNode() || field.getValue().isNull()) {
        throw invalid(file, where + ".config." + field.getKey() + " is not a value");
      }
      String value = field.getValue().asText();
      // the reference writes "mailto:" + vapidEmailId itself
      if (variable.equals("VAPID_SUBJECT") && !value.startsWith("mailto:") && !value.startsWith("https:")) {
        value = "mailto:" + value;
      }
      vars.put(variable, value);
    }
  }

  private static BigDecimal number(Path file, JsonNode root, String key) {
    JsonNode value = root.get(key);
    if (value == null || !value.isNumber() || value.decimalValue().signum() < 0) {
      throw invalid(file, key + " is not a number of at least 0");
    }
    return value.decimalValue();
  }

  private static IllegalArgumentException invalid(Path file, String why) {
    return new IllegalArgumentException("Invalid config.yml (" + VARIABLE + "=" + file + "): " + why);
  }
}
