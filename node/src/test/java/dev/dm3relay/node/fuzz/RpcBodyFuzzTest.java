package dev.dm3relay.node.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Any bytes as the body of {@code POST /rpc}: answered, within the deadline, never with a 500
 * (ApiHarness's contract). The committed corpus (RpcBodyFuzzTestInputs/) holds submits and the
 * other methods; ops/fuzz grows it.
 */
public class RpcBodyFuzzTest {

  @FuzzTest
  void rpcBody(byte[] body) {
    fuzzerTestOneInput(body);
  }

  /** The entry point of a standalone run (ops/fuzz). */
  public static void fuzzerTestOneInput(byte[] body) {
    ApiHarness.get()
        .answer(
            HttpRequest.create("/rpc")
                .withMethod(HttpMethods.POST)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
  }
}
