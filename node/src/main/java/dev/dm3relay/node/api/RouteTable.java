package dev.dm3relay.node.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Every route template of the API, and the reference's path leniency on them. The reference is an
 * Express 4 app with its defaults ({@code strict: false}, {@code caseSensitive: false}): a route
 * matches with one trailing slash too, and its literal segments match in any letter case. dm3
 * clients and tools written against it send such paths, so {@link #canonical} rewrites a request
 * path to the spelling our routes match before routing, and leaves the parameter segments exactly
 * as they came (still percent-encoded: the router decodes each once, as Express does).
 *
 * <p>Also the template of a path for logs and metrics ({@link #template}): parameters named, so
 * that no name, address or token reaches a log line through a path.
 */
final class RouteTable {

  /** In the reference's registration order: where two templates match a path, the first names it. */
  static final List<String> TEMPLATES =
      List.of(
          "/hello",
          "/rpc",
          "/metrics",
          "/delivery-service-profile",
          "/auth/:ensName",
          "/profile/:ensName",
          "/delivery/spamFilterRules/:ensName",
          "/delivery/messages/incoming/:ensName",
          "/delivery/messages/:ensName/contact/:contactEnsName",
          "/delivery/messages/:ensName/syncAcknowledgements",
          "/notifications/global/:ensName",
          "/notifications/otp/verify/:ensName",
          "/notifications/otp/:ensName",
          "/notifications/channel/:channelType/:ensName",
          "/notifications/channel/:ensName",
          "/notifications/:ensName");

  static final String UNMATCHED = "(unmatched)";

  private static final List<String[]> SEGMENTS = TEMPLATES.stream().map(RouteTable::segments).toList();

  private RouteTable() {}

  /**
   * The path our routes take for a request path: one trailing slash dropped and literal segments
   * in the template's case, for every template the path matches (a path may match two templates
   * with different methods, e.g. {@code /delivery/messages/incoming/syncAcknowledgements}). A path
   * no template matches comes back as it is (Socket.IO's {@code /socket.io/} keeps its slash).
   *
   * @param rawPath the path as sent, percent-encoded
   */
  static String canonical(String rawPath) {
    String[] s = segments(stripSlash(rawPath));
    boolean matched = false;
    for (String[] template : SEGMENTS) {
      if (matches(template, s)) {
        matched = true;
        for (int i = 0; i < s.length; i++) {
          if (!template[i].startsWith(":")) {
            s[i] = template[i];
          }
        }
      }
    }
    return matched ? "/" + String.join("/", s) : rawPath;
  }

  /** The first template the path matches, or {@link #UNMATCHED}; Socket.IO's paths are {@code /socket.io}. */
  static String template(String rawPath) {
    String[] s = segments(stripSlash(rawPath));
    if (s.length >= 1 && s.length <= 2 && s[0].equalsIgnoreCase("socket.io")) {
      return "/socket.io";
    }
    for (int t = 0; t < SEGMENTS.size(); t++) {
      if (matches(SEGMENTS.get(t), s)) {
        return TEMPLATES.get(t);
      }
    }
    return UNMATCHED;
  }

  private static boolean matches(String[] template, String[] path) {
    if (template.length != path.length) {
      return false;
    }
    for (int i = 0; i < path.length; i++) {
      boolean parameter = template[i].startsWith(":");
      // Express's parameter pattern is [^/]+: never empty
      if (parameter ? path[i].isEmpty() : !asciiEqualsIgnoreCase(template[i], path[i])) {
        return false;
      }
    }
    return true;
  }

  /** Letter case folded for A–Z only, as Express's case-insensitive route patterns do on a path. */
  private static boolean asciiEqualsIgnoreCase(String literal, String segment) {
    if (literal.length() != segment.length()) {
      return false;
    }
    for (int i = 0; i < literal.length(); i++) {
      char a = literal.charAt(i);
      char b = segment.charAt(i);
      if (a != b && (b > 0x7f || Character.toLowerCase(a) != Character.toLowerCase(b))) {
        return false;
      }
    }
    return true;
  }

  private static String stripSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String[] segments(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    List<String> parts = new ArrayList<>(List.of(p.split("/", -1)));
    return parts.toArray(String[]::new);
  }
}
