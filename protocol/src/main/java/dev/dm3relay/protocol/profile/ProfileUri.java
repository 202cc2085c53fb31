package dev.dm3relay.protocol.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.crypto.Hashes;
import dev.dm3relay.protocol.json.CanonicalJson;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.MalformedJsonException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a profile lives, as written in an ENS text record ({@code network.dm3.profile} or {@code
 * network.dm3.deliveryService}). The reference tries link, then IPFS, then data URI (§2.12).
 * Fetching is the node's business; this type says what to fetch and checks what came back.
 */
public sealed interface ProfileUri {

  /** The public IPFS gateway the reference fetches {@code ipfs://} records from. */
  String IPFS_GATEWAY = "https://www.ipfs.io/ipfs/";

  /** A profile carried in the record itself. */
  record DataUri(JsonNode json) implements ProfileUri {}

  /**
   * An {@code http(s)} link. The fetched JSON must hash to the {@code dm3Hash} query parameter:
   * sha256hex(stringify(object)), compared as exact text.
   */
  record LinkUri(URI url, String dm3Hash) implements ProfileUri {

    /** Parses a fetched body and checks it against {@code dm3Hash}. */
    public JsonNode verify(String fetchedBody) {
      JsonNode json;
      try {
        json = Json.parse(fetchedBody);
      } catch (MalformedJsonException e) {
        throw new InvalidProfileUriException("the linked profile is not JSON: " + e.getMessage());
      }
      if (dm3Hash == null) {
        throw new InvalidProfileUriException("the link has no dm3Hash parameter");
      }
      String actual = Hashes.sha256Hex(CanonicalJson.stringify(json));
      if (!actual.equals(dm3Hash)) {
        throw new InvalidProfileUriException("the linked profile does not match its dm3Hash");
      }
      return json;
    }
  }

  /** An {@code ipfs://} record, fetched through the public gateway; like the reference, the CID is not checked. */
  record IpfsUri(String path) implements ProfileUri {
    public URI gatewayUrl() {
      return URI.create(IPFS_GATEWAY + path);
    }
  }

  /** {@code data:<type>/<subtype>[;charset=X][;<enc>],<data>} with no line break in the data. */
  Pattern DATA_URI =
      Pattern.compile("^data:([^/;,\\s]+/[^;,\\s]+)(?:;charset=([^;,]+))?(?:;([^;,]+))?,(.*)$");

  /**
   * Reads a profile record.
   *
   * @throws InvalidProfileUriException when it is none of the three kinds, or a data URI whose
   *     content is not JSON
   */
  static ProfileUri parse(String record) {
    if (record == null || record.isEmpty()) {
      throw new InvalidProfileUriException("empty profile record");
    }
    URI uri = null;
    try {
      uri = new URI(record);
    } catch (URISyntaxException e) {
      // not a link; a data URI may still match (its JSON body is rarely a valid URI)
    }
    String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (scheme.equals("http") || scheme.equals("https")) {
      return new LinkUri(uri, queryParameter(uri.getRawQuery(), "dm3Hash"));
    }
    if (record.startsWith("ipfs://")) {
      return new IpfsUri(record.substring("ipfs://".length()));
    }
    if (record.indexOf('\n') < 0 && record.indexOf('\r') < 0) {
      Matcher m = DATA_URI.matcher(record);
      if (m.matches()) {
        return readDataUri(m.group(1), m.group(2), m.group(3), m.group(4));
      }
    }
    throw new InvalidProfileUriException("not an http(s), ipfs or data URI");
  }

  private static DataUri readDataUri(String mime, String charsetName, String encoding, String data) {
    if (!mime.equals("application/json")) {
      throw new InvalidProfileUriException("data URI type must be application/json, not " + mime);
    }
    Charset charset;
    try {
      charset = charsetName == null ? StandardCharsets.UTF_8 : Charset.forName(charsetName);
    } catch (RuntimeException e) {
      throw new InvalidProfileUriException("unknown charset " + charsetName);
    }
    String text;
    if ("base64".equals(encoding)) {
      try {
        text = decode(Base64.getDecoder().decode(data), charset);
      } catch (IllegalArgumentException e) {
        throw new InvalidProfileUriException("data URI is marked base64 but is not");
      }
    } else if (encoding == null) {
      text = data;
    } else {
      throw new InvalidProfileUriException("unsupported data URI encoding " + encoding);
    }
    try {
      return new DataUri(Json.parse(text));
    } catch (MalformedJsonException raw) {
      // The spec says the body "might be URL-encoded"; the reference never decodes. Accept both:
      // plain JSON first (a literal % inside a string stays as it is), then the percent-decoded text.
      if (text.indexOf('%') >= 0) {
        try {
          return new DataUri(Json.parse(percentDecode(text, charset)));
        } catch (RuntimeException decoded) {
          // fall through to the original error
        }
      }
      throw new InvalidProfileUriException("data URI does not hold JSON: " + raw.getMessage());
    }
  }

  private static String decode(byte[] bytes, Charset charset) {
    CharsetDecoder decoder =
        charset.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidProfileUriException("data URI bytes are not " + charset.name());
    }
  }

  /** RFC 3986 percent-decoding ({@code +} stays a plus: this is not form encoding). */
  private static String percentDecode(String text, Charset charset) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    byte[] raw = text.getBytes(charset);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%') {
        if (i + 2 >= raw.length) {
          throw new InvalidProfileUriException("truncated percent escape");
        }
        int hi = Character.digit(raw[i + 1], 16);
        int lo = Character.digit(raw[i + 2], 16);
        if (hi < 0 || lo < 0) {
          throw new InvalidProfileUriException("bad percent escape");
        }
        bytes.write((hi << 4) | lo);
        i += 2;
      } else {
        bytes.write(raw[i]);
      }
    }
    return decode(bytes.toByteArray(), charset);
  }

  private static String queryParameter(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
