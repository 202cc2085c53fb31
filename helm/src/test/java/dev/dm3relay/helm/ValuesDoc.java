package dev.dm3relay.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's values table, generated from values.yaml: a key's description is the "# -- ..."
 * comment block right above it (helm-docs style, continuation lines start with "#"); its default
 * is the value itself. A commented map (e.g. resources) is one row for the whole map.
 */
final class ValuesDoc {
  static final String START = "<!-- values:start (generated from values.yaml by ReadmeValuesTest; do not edit) -->";
  static final String END = "<!-- values:end -->";
  private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z0-9_]+):");

  /** Documented key path to its description, in file order. */
  static Map<String, String> descriptions(Path valuesYaml) throws IOException {
    Map<String, String> docs = new LinkedHashMap<>();
    Deque<Map.Entry<Integer, String>> stack = new ArrayDeque<>();
    StringBuilder comment = null;
    for (String line : Files.readAllLines(valuesYaml)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("# --")) {
        comment = new StringBuilder(trimmed.substring(4).strip());
      } else if (trimmed.startsWith("#")) {
        if (comment != null) {
          comment.append(' ').append(trimmed.substring(1).strip());
        }
      } else if (trimmed.isEmpty()) {
        comment = null;
      } else {
        Matcher m = KEY.matcher(line);
        if (m.find()) {
          int indent = m.group(1).length();
          while (!stack.isEmpty() && stack.peek().getKey() >= indent) {
            stack.pop();
          }
          stack.push(Map.entry(indent, m.group(2)));
          if (comment != null) {
            List<String> parts = new ArrayList<>();
            stack.descendingIterator().forEachRemaining(e -> parts.add(e.getValue()));
            docs.put(String.join(".", parts), comment.toString());
          }
        }
        comment = null;
      }
    }
    return docs;
  }

  /** Every leaf of the values tree (scalars, lists, empty maps) as a dotted path. */
  static List<String> leaves(JsonNode values) {
    List<String> leaves = new ArrayList<>();
    collect(values, "", leaves);
    return leaves;
  }

  private static void collect(JsonNode node, String path, List<String> out) {
    if (node.isObject() && node.size() > 0) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        collect(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), out);
      }
    } else {
      out.add(path);
    }
  }

  static JsonNode at(JsonNode values, String path) {
    return values.at("/" + path.replace(".", "/"));
  }

  static String table(Path valuesYaml) throws IOException {
    JsonNode values = Chart.YAML.readTree(valuesYaml.toFile());
    ObjectMapper json = new ObjectMapper();
    StringBuilder out = new StringBuilder();
    out.append(START).append('\n');
    out.append("| Key | Default | Description |\n|---|---|---|\n");
    for (Map.Entry<String, String> doc : descriptions(valuesYaml).entrySet()) {
      JsonNode value = at(values, doc.getKey());
      String shown = value.isTextual() ? "\"" + value.asText() + "\"" : json.writeValueAsString(value);
      out.append("| `").append(doc.getKey()).append("` | `").append(shown.replace("|", "\\|"))
          .append("` | ").append(markdown(doc.getValue())).append(" |\n");
    }
    out.append(END);
    return out.toString();
  }

  /** Plain comment text as table-cell Markdown: "<fullname>" must not vanish as an HTML tag. */
  private static String markdown(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|");
  }

  private ValuesDoc() {}
}
