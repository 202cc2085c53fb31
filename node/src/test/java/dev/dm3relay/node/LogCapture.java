package dev.dm3relay.node;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log event of this JVM while open, at the levels logback-test.xml lets through: for tests
 * that assert what the relay logs (no ERROR for client input, no secret in any line).
 */
public final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  /** The access and audit loggers, which do not pass their lines on to root in tests. */
  private final Logger operations = (Logger) LoggerFactory.getLogger("dm3relay");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final java.util.Map<Logger, ch.qos.logback.classic.Level> restore = new java.util.HashMap<>();

  public LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    operations.addAppender(appender);
  }

  /** Captures at {@code level} and above for these loggers while open (e.g. DEBUG of the relay's own). */
  public LogCapture(ch.qos.logback.classic.Level level, String... loggers) {
    this();
    for (String name : loggers) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      restore.put(logger, logger.getLevel());
      logger.setLevel(level);
    }
  }

  public List<ILoggingEvent> events() {
    synchronized (appender.list) {
      return List.copyOf(appender.list);
    }
  }

  /** Each event as one text: level, logger, formatted message and stack trace. */
  public List<String> lines() {
    return events().stream()
        .map(
            e ->
                e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .toList();
  }

  public List<String> linesAt(ch.qos.logback.classic.Level level) {
    return events().stream()
        .filter(e -> e.getLevel().equals(level))
        .map(e -> e.getLoggerName() + " " + e.getFormattedMessage())
        .toList();
  }

  @Override
  public void close() {
    restore.forEach(Logger::setLevel);
    operations.detachAppender(appender);
    root.detachAppender(appender);
    appender.stop();
  }
}
