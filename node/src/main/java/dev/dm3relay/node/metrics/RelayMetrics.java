package dev.dm3relay.node.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * The node's Prometheus registry, one per actor system: what the relay measures, the JVM and
 * process, and the Cassandra driver's own metrics (through {@link MeteredSessionProvider}). Served
 * on the management port at {@code /metrics} by {@link ManagementRoutes}.
 *
 * <p>Why Micrometer over the bare Prometheus client: the Cassandra driver reports into Micrometer
 * (java-driver-metrics-micrometer), and Micrometer ships the JVM and process binders; its
 * Prometheus registry is the Prometheus client 1.x underneath, so the exposition (text and
 * OpenMetrics) is the Prometheus project's own. Meter names are Micrometer's dotted names
 * ({@code dm3.relay.submits}), which the registry writes as {@code dm3_relay_submits_total}.
 */
public final class RelayMetrics implements Extension {

  /** Prometheus' text format, version 0.0.4: what a scrape without an OpenMetrics Accept gets. */
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  private RelayMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A scrape in the format the {@code Accept} header asks for: its content type and text. */
  public Scrape scrape(String accept) {
    String type = accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
    return new Scrape(type, registry.scrape(type));
  }

  public record Scrape(String contentType, String text) {}

  void close() {
    gc.close();
    registry.close();
  }

  public static RelayMetrics get(ActorSystem system) {
    return Id.INSTANCE.get(system);
  }

  public static RelayMetrics get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return Id.INSTANCE.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
  }

  static final class Id extends AbstractExtensionId<RelayMetrics> implements ExtensionIdProvider {
    static final Id INSTANCE = new Id();

    @Override
    public RelayMetrics createExtension(ExtendedActorSystem system) {
      RelayMetrics metrics = new RelayMetrics();
      system.registerOnTermination(metrics::close);
      return metrics;
    }

    @Override
    public Id lookup() {
      return INSTANCE;
    }
  }
}
