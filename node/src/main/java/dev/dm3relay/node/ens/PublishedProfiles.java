package dev.dm3relay.node.ens;

import dev.dm3relay.node.core.NameResolver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dm3relay.protocol.json.Json;
import dev.dm3relay.protocol.json.MalformedJsonException;
import dev.dm3relay.protocol.json.SchemaException;
import dev.dm3relay.protocol.model.SignedUserProfile;
import dev.dm3relay.protocol.profile.InvalidProfileUriException;
import dev.dm3relay.protocol.profile.ProfileUri;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signed profile a name publishes in ENS: its {@code network.dm3.profile} record as a data URI,
 * an https link whose body must match its {@code dm3Hash}, or an IPFS path (§2.12, §6.3). Empty when
 * the name publishes none or an unreadable one; a failed stage when the chain or the link's host
 * cannot be reached. Links are fetched through {@link PublicHttp}, one request with a deadline.
 */
public final class PublishedProfiles {

  public static final String PROFILE_RECORD = "network.dm3.profile";

  /** A profile is a few hundred bytes; anything far larger is not one. */
  static final int MAX_PROFILE_BYTES = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(PublishedProfiles.class);

  private final NameResolver names;
  private final PublicHttp http;
  private final Duration timeout;

  /** @param http null when the relay has no chain: then no name publishes anything it could read */
  public PublishedProfiles(NameResolver names, PublicHttp http, Duration timeout) {
    this.names = names;
    this.http = http;
    this.timeout = timeout;
  }

  /** Profiles as the relay's resolver sees them (none without a chain). */
  public static PublishedProfiles of(NameResolver names, EnsConfig config) {
    return new PublishedProfiles(
        names, names instanceof EnsNameResolver ens ? ens.http() : null, config.lookupTimeout());
  }

  public CompletionStage<Optional<SignedUserProfile>> of(String normalizedName) {
    if (http == null || !names.resolvesChainNames()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return names
        .text(normalizedName, PROFILE_RECORD)
        .thenCompose(record -> record.isEmpty() ? done(Optional.empty()) : read(normalizedName, record.get()));
  }

  private CompletionStage<Optional<SignedUserProfile>> read(String name, String record) {
    ProfileUri uri;
    try {
      uri = ProfileUri.parse(record);
    } catch (InvalidProfileUriException e) {
      log.debug("{} publishes an unreadable profile record: {}", name, e.getMessage());
      return done(Optional.empty());
    }
    if (uri instanceof ProfileUri.DataUri data) {
      return done(profile(name, data.json()));
    }
    if (uri instanceof ProfileUri.LinkUri link) {
      return fetch(link.url()).thenApply(body -> body.flatMap(text -> {
        try {
          return profile(name, link.verify(text));
        } catch (InvalidProfileUriException e) {
          log.debug("{}: {}", name, e.getMessage());
          return Optional.empty();
        }
      }));
    }
    ProfileUri.IpfsUri ipfs = (ProfileUri.IpfsUri) uri;
    return fetch(ipfs.gatewayUrl()).thenApply(body -> body.flatMap(text -> {
      try {
        return profile(name, Json.parse(text));
      } catch (MalformedJsonException e) {
        return Optional.empty();
      }
    }));
  }

  private CompletionStage<Optional<String>> fetch(URI url) {
    return http.get(url, timeout, MAX_PROFILE_BYTES)
        .handle(
            (reply, failure) -> {
              if (failure != null) {
                if (failure.getCause() instanceof PublicHttp.RefusedTargetException || failure instanceof PublicHttp.RefusedTargetException) {
                  return Optional.<String>empty();
                }
                throw new ChainUnavailableException("the profile link could not be fetched: " + failure);
              }
              return reply.status() == 200 ? Optional.of(new String(reply.body(), StandardCharsets.UTF_8)) : Optional.<String>empty();
            });
  }

  private static Optional<SignedUserProfile> profile(String name, JsonNode json) {
    try {
      return Optional.of(SignedUserProfile.fromJson(json));
    } catch (SchemaException e) {
      log.debug("{} publishes something that is not a signed profile: {}", name, e.getMessage());
      return Optional.empty();
    }
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
