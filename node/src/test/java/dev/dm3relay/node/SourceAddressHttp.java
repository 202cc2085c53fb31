package dev.dm3relay.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 from a chosen loopback source address (127.0.0.2, 127.0.0.3, …: Linux routes all of
 * 127/8 to lo), one request per connection: what per-client limits need to see several clients on
 * one machine. java.net.http cannot bind a source address.
 */
public final class SourceAddressHttp {

  private SourceAddressHttp() {}

  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A connection from {@code source} to the relay's port, not yet used. */
  public static Socket connect(String source, int port) throws IOException {
    Socket socket = new Socket();
    socket.setSoTimeout(15_000);
    socket.bind(new InetSocketAddress(source, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return socket;
  }

  public static Response send(String source, int port, String method, String path, String body, Map<String, String> headers)
      throws IOException {
    try (Socket socket = connect(source, port)) {
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      if (body != null) {
        head.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
      }
      head.append("\r\n");
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().write(payload);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    }
  }

  public static Response get(String source, int port, String path) throws IOException {
    return send(source, port, "GET", path, null, Map.of());
  }

  /** Reads one response whose connection the server closes after it (or with Content-Length). */
  public static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int headEnd = -1;
    int contentLength = -1;
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (java.net.SocketException e) {
        n = -1; // a reset after the answer
      }
      if (n < 0) {
        break;
      }
      all.write(buffer, 0, n);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      if (headEnd < 0 && (headEnd = text.indexOf("\r\n\r\n")) >= 0) {
        for (String line : text.substring(0, headEnd).split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            contentLength = Integer.parseInt(line.substring(15).trim());
          }
        }
      }
      if (headEnd >= 0 && contentLength >= 0 && all.size() >= headEnd + 4 + contentLength) {
        break;
      }
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no response head: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
  }
}
