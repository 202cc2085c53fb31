package dev.dm3relay.node;

import dev.dm3relay.protocol.crypto.Ed25519;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.model.EncryptionEnvelope;
import dev.dm3relay.protocol.sender.EnvelopeBuilder;
import dev.dm3relay.protocol.sender.WalletUser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** A dm3 messenger in Java, built on the protocol library, for tests that drive whole relays. */
public final class TestClient {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestClient() {}

  /** What a submission produced: the JSON-RPC body and the hash the receiver acks it by. */
  public record Submission(String requestBody, String ackHash) {}

  public static HttpResponse<String> send(String baseUrl, String method, String path, String body, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  public static HttpResponse<String> register(String baseUrl, WalletUser user) throws IOException, InterruptedException {
    return send(baseUrl, "POST", "/profile/" + user.name(), user.profile().canonical(), null);
  }

  /** The challenge flow: returns a session token, or throws with the relay's answer. */
  public static String login(String baseUrl, WalletUser user) throws IOException, InterruptedException {
    HttpResponse<String> challenge = send(baseUrl, "GET", "/auth/" + user.name(), null, null);
    if (challenge.statusCode() != 200) {
      throw new IOException("challenge: " + challenge.statusCode() + " " + challenge.body());
    }
    String text = Json.parse(challenge.body()).textValue();
    String signature =
        Base64.getEncoder().encodeToString(Ed25519.sign(user.keys().signing().privateKey(), text.getBytes(StandardCharsets.UTF_8)));
    HttpResponse<String> session =
        send(baseUrl, "POST", "/auth/" + user.name(), "{\"signature\":" + Json.quote(signature) + ",\"challenge\":" + Json.quote(text) + "}", null);
    if (session.statusCode() != 200) {
      throw new IOException("login: " + session.statusCode() + " " + session.body());
    }
    return Json.parse(session.body()).textValue();
  }

  /** A signed, encrypted envelope from {@code from} to {@code to} for the relay's encryption key. */
  public static Submission envelope(WalletUser from, WalletUser to, byte[] relayEncryptionKey, String text) {
    EncryptionEnvelope envelope =
        EnvelopeBuilder.textMessage(
            from.name(), to.name(), text, System.currentTimeMillis(), from.keys().signing(), to.keys().encryption().publicKey(), relayEncryptionKey);
    return new Submission(EnvelopeBuilder.submitRequest(envelope), envelope.metadata().ackHash());
  }

  /** The ack hashes of the receiver's incoming envelopes (as returned, duplicates included). */
  public static List<String> incomingHashes(String baseUrl, WalletUser user, String token) throws IOException, InterruptedException {
    HttpResponse<String> incoming = send(baseUrl, "GET", "/delivery/messages/incoming/" + user.name(), null, token);
    if (incoming.statusCode() != 200) {
      throw new IOException("incoming: " + incoming.statusCode() + " " + incoming.body());
    }
    List<String> hashes = new java.util.ArrayList<>();
    Json.parse(incoming.body()).forEach(e -> hashes.add(e.path("metadata").path("messageHash").asText(e.path("metadata").path("encryptedMessageHash").asText())));
    return hashes;
  }
}
