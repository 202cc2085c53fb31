package dev.dm3relay.node.api;

/**
 * The route template of a request path, for logs and metrics: the reference's routes with their
 * parameters named ({@code /delivery/messages/incoming/:ensName}), so that no name, address or
 * token ever reaches a log line through a path. A path no route takes is {@code (unmatched)}.
 */
final class RouteTemplates {

  private RouteTemplates() {}

  static String of(String path) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String[] s = p.startsWith("/") ? p.substring(1).split("/", -1) : p.split("/", -1);
    switch (s.length) {
      case 1:
        switch (s[0]) {
          case "hello":
          case "rpc":
          case "metrics":
          case "delivery-service-profile":
          case "socket.io":
            return "/" + s[0];
          default:
            return "(unmatched)";
        }
      case 2:
        if (s[0].equals("auth") || s[0].equals("profile")) {
          return "/" + s[0] + "/:ensName";
        }
        if (s[0].equals("socket.io")) {
          return "/socket.io";
        }
        return "(unmatched)";
      case 3:
        if (s[0].equals("delivery") && s[1].equals("spamFilterRules")) {
          return "/delivery/spamFilterRules/:ensName";
        }
        return "(unmatched)";
      case 4:
        if (s[0].equals("delivery") && s[1].equals("messages")) {
          if (s[2].equals("incoming")) {
            return "/delivery/messages/incoming/:ensName";
          }
          if (s[3].equals("syncAcknowledgements")) {
            return "/delivery/messages/:ensName/syncAcknowledgements";
          }
        }
        return "(unmatched)";
      case 5:
        if (s[0].equals("delivery") && s[1].equals("messages") && s[3].equals("contact")) {
          return "/delivery/messages/:ensName/contact/:contactEnsName";
        }
        return "(unmatched)";
      default:
        return "(unmatched)";
    }
  }
}
