package dev.dm3relay.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** The chart under test, rendered through helm-java (the helm library, no helm binary). */
final class Chart {
  static final Path DIR = Path.of(System.getProperty("chart.dir", "dm3-relay")).toAbsolutePath();
  static final Path REPO_ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath();
  static final Path VALUE_SETS =
      Path.of(System.getProperty("value.sets", "src/test/resources/values")).toAbsolutePath();
  static final String RELEASE = "relay";
  static final String NAMESPACE = "dm3";
  // helm template otherwise assumes Kubernetes 1.20; render for a current cluster.
  static final String KUBE_VERSION = "1.31.0";

  static final ObjectMapper YAML = new YAMLMapper();

  /** The chart's values.yaml, parsed. */
  static final Supplier<JsonNode> YAML_VALUES =
      () -> {
        try {
          return YAML.readTree(DIR.resolve("values.yaml").toFile());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };

  private Chart() {}

  static Path valueSet(String name) {
    return VALUE_SETS.resolve(name + ".yaml");
  }

  /** Renders with the given values files (in order) and --set pairs; throws what helm throws. */
  static String template(List<Path> valuesFiles, Map<String, Object> sets) {
    TemplateCommand command =
        new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    for (Path file : valuesFiles) {
      command = command.withValuesFile(file);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return command.call();
  }

  /**
   * NOTES.txt as helm would print it after an install. helm template does not render NOTES, so a
   * copy of the chart turns it into a named template shown through a ConfigMap.
   */
  static String renderNotes(List<Path> valuesFiles, Map<String, Object> sets) {
    try {
      Path copy = Files.createTempDirectory("chart-notes").resolve("dm3-relay");
      try (var paths = Files.walk(DIR)) {
        for (Path p : paths.sorted().toList()) {
          Files.copy(p, copy.resolve(DIR.relativize(p).toString()));
        }
      }
      Path notes = copy.resolve("templates/NOTES.txt");
      Files.writeString(
          copy.resolve("templates/_notes_under_test.tpl"),
          "{{- define \"notes-under-test\" -}}\n" + Files.readString(notes) + "{{- end }}\n");
      Files.delete(notes);
      Files.writeString(
          copy.resolve("templates/notes-under-test.yaml"),
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes-under-test\ndata:\n"
              + "  notes: {{ include \"notes-under-test\" . | quote }}\n");
      TemplateCommand command =
          new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
      for (Path file : valuesFiles) {
        command = command.withValuesFile(file);
      }
      for (Map.Entry<String, Object> set : sets.entrySet()) {
        command = command.set(set.getKey(), set.getValue());
      }
      return new Rendered(command.call()).named("ConfigMap", "notes-under-test").at("/data/notes").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Rendered render(String... valueSets) {
    List<Path> files = new ArrayList<>();
    for (String name : valueSets) {
      files.add(valueSet(name));
    }
    return new Rendered(template(files, Map.of()));
  }

  static Rendered renderWith(Map<String, Object> sets) {
    return new Rendered(template(List.of(), sets));
  }

  /** Ordered --set pairs, e.g. sets("replicaCount", 5, "ingress.enabled", true). */
  static Map<String, Object> sets(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }

  /** One helm template output: the YAML text and its objects. */
  static final class Rendered {
    final String yaml;
    final List<ObjectNode> objects = new ArrayList<>();

    Rendered(String yaml) {
      this.yaml = yaml;
      try (var parser = new YAMLFactory().createParser(yaml)) {
        for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
          JsonNode node = it.next();
          if (node != null && node.isObject() && node.size() > 0) {
            objects.add((ObjectNode) node);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("helm template output is not YAML:\n" + yaml, e);
      }
    }

    List<ObjectNode> ofKind(String kind) {
      return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    /** The one object of that kind; fails if there are none or several. */
    ObjectNode one(String kind) {
      List<ObjectNode> found = ofKind(kind);
      if (found.size() != 1) {
        throw new AssertionError("expected one " + kind + ", found " + found.size() + ":\n" + yaml);
      }
      return found.get(0);
    }

    ObjectNode named(String kind, String name) {
      return ofKind(kind).stream()
          .filter(o -> name.equals(o.path("metadata").path("name").asText()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + ":\n" + yaml));
    }

    JsonNode container() {
      return one("Deployment").at("/spec/template/spec/containers/0");
    }

    /** The relay container's env entries by name (value or valueFrom). */
    Map<String, JsonNode> env() {
      Map<String, JsonNode> env = new LinkedHashMap<>();
      container().path("env").forEach(e -> env.put(e.path("name").asText(), e));
      return env;
    }

    /** Every setting the relay process sees that comes from the ConfigMap (envFrom). */
    Map<String, String> configMap() {
      Map<String, String> data = new LinkedHashMap<>();
      one("ConfigMap").path("data").fields().forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
      return data;
    }

    <T> List<T> map(String kind, Function<ObjectNode, T> f) {
      return ofKind(kind).stream().map(f).toList();
    }
  }
}
