package io.petrel.node.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** Which node a command talks to: {@code --endpoint}, else {@code $PETREL_ENDPOINT}, else the local dev node. */
public final class Endpoint {
  public static final String DEFAULT = "http://127.0.0.1:9000";
  public static final String ENVIRONMENT = "PETREL_ENDPOINT";

  private Endpoint() {}

  /** The base URI without a trailing slash; a usage error when it is not an http(s) URL with a host. */
  public static URI resolve(Optional<String> option, Optional<String> environment) {
    String given = option.or(() -> environment.filter(e -> !e.isBlank())).orElse(DEFAULT).strip();
    String source = option.isPresent() ? "--endpoint" : environment.filter(e -> !e.isBlank()).isPresent()
        ? ENVIRONMENT : "the default endpoint";
    try {
      URI uri = new URI(given.replaceAll("/+$", ""));
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && (uri.getRawQuery() == null) && (uri.getRawFragment() == null)) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // answered below
    }
    throw CliException.usage(source + " must be an http:// or https:// URL like " + DEFAULT + ", got '" + given
        + "'");
  }
}
