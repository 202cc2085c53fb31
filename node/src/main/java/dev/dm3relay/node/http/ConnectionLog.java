package dev.dm3relay.node.http;

import org.apache.pekko.event.LoggingAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of Pekko's server layer, with its errors as warnings and without stack traces. What it
 * reports there is one connection's trouble, most of it a client's doing: a response stream
 * aborted because its client stopped reading (the listing idle timeout), a connection reset. An
 * ERROR line is kept for what an operator must act on, and a client must not be able to write one.
 */
final class ConnectionLog implements LoggingAdapter {

  private static final Logger log = LoggerFactory.getLogger("dev.dm3relay.node.http.PekkoServer");

  @Override
  public boolean isErrorEnabled() {
    return log.isWarnEnabled();
  }

  @Override
  public boolean isWarningEnabled() {
    return log.isWarnEnabled();
  }

  @Override
  public boolean isInfoEnabled() {
    return log.isInfoEnabled();
  }

  @Override
  public boolean isDebugEnabled() {
    return log.isDebugEnabled();
  }

  @Override
  public void notifyError(String message) {
    log.warn(message);
  }

  @Override
  public void notifyError(Throwable cause, String message) {
    log.warn("{} ({})", message, cause.toString());
  }

  @Override
  public void notifyWarning(String message) {
    log.warn(message);
  }

  @Override
  public void notifyInfo(String message) {
    log.info(message);
  }

  @Override
  public void notifyDebug(String message) {
    log.debug(message);
  }
}
