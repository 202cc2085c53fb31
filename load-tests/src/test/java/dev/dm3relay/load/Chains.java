package dev.dm3relay.load;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.List;

/** The request chains the simulations combine; request names are what assertions refer to. */
final class Chains {

  private Chains() {}

  /**
   * The relay's HTTP API as a crowd of messengers uses it. Connections are shared across virtual
   * users: one TCP connection per submit would measure the kernel's accept path, not the relay.
   */
  static HttpProtocolBuilder protocol(BenchConfig config) {
    List<String> nodes = config.nodeUrls().stream().map(Object::toString).toList();
    // several nodes (a cluster): Gatling gives each virtual user the next base URL in turn
    return (nodes.size() > 1 ? http.baseUrls(nodes) : http.baseUrl(nodes.get(0)))
        .shareConnections()
        .contentTypeHeader("application/json")
        .acceptHeader("application/json")
        .disableCaching()
        .disableWarmUp()
        .userAgentHeader("dm3-relay-load-tests");
  }

  /**
   * One submit of a fresh pre-built envelope; accepted means 200 (the relay answers after the body
   * and the journal event are written). {@code live}, when given, is told the send time.
   */
  static ChainBuilder submit(String name, BenchData data, LiveListeners live) {
    ChainBuilder fed = feed(data.envelopeFeeder());
    if (live != null) {
      fed =
          fed.exec(
              session -> {
                live.markSent(session.getString("hash"));
                return session;
              });
    }
    return fed.exec(http(name).post("/rpc").body(ByteArrayBody(session -> (byte[]) session.get("body"))).check(status().is(200)));
  }

  /**
   * A messenger coming online: fetch the incoming mailbox, then acknowledge everything it got (the
   * relay deletes acknowledged messages), as dm3 clients do after storing messages locally.
   * {@code prefix} names the requests ("" for measured ones, "warm-up " for the warm-up's).
   */
  static ChainBuilder fetchAndAcknowledge(String prefix, BenchData data) {
    return feed(data.recipientFeeder())
        .exec(
            http(prefix + "fetch")
                .get("/delivery/messages/incoming/#{name}")
                .header("Authorization", "Bearer #{token}")
                .check(
                    status().is(200),
                    // the stored envelope's metadata.messageHash, whether the list holds objects or strings
                    regex("messageHash\\\\?\":\\\\?\"(0x[0-9a-fA-F]+)").findAll().optional().saveAs("hashes")))
        .exec(
            session -> {
              if (prefix.isEmpty()) {
                data.countFetch(session.contains("hashes") ? session.getList("hashes").size() : 0);
              }
              return session;
            })
        .doIf(session -> session.contains("hashes"))
        .then(
            exec(http(prefix + "ack")
                    .post("/delivery/messages/#{name}/syncAcknowledgements/")
                    .header("Authorization", "Bearer #{token}")
                    .body(StringBody(session -> ackBody(data, session)))
                    .check(status().is(200)))
                .exec(session -> session.remove("hashes")));
  }

  private static String ackBody(BenchData data, Session session) {
    List<String> hashes = session.getList("hashes");
    StringBuilder body = new StringBuilder("{\"acknowledgements\":[");
    boolean first = true;
    for (String hash : hashes) {
      String sender = data.senderOf(hash);
      if (sender == null) {
        continue; // not built by this run: leave it to whoever sent it
      }
      if (!first) {
        body.append(',');
      }
      first = false;
      body.append("{\"contactAddress\":\"").append(sender).append("\",\"messageHash\":\"").append(hash).append("\"}");
    }
    return body.append("]}").toString();
  }
}
