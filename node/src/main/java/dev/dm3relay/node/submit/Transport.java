package dev.dm3relay.node.submit;

import java.util.Locale;

/** Which transport a submission came over: a label of the submit metrics, nothing else. */
public enum Transport {
  HTTP,
  SOCKET;

  final String label = name().toLowerCase(Locale.ROOT);
}
