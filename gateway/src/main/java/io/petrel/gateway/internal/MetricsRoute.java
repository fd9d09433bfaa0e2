package io.petrel.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the node's meters in Prometheus' text exposition format (version 0.0.4), as
 * {@code scrape} renders them. Anything else is left to the routes after it.
 */
public final class MetricsRoute extends AllDirectives {
  /** Prometheus' text format, spelled as Prometheus itself does ({@code charset=utf-8}). */
  public static final ContentType TEXT_FORMAT = ContentTypes.create(
      MediaTypes.customWithOpenCharset("text", "plain", Map.of("version", "0.0.4"), false),
      HttpCharsets.custom("utf-8"));

  private final Supplier<String> scrape;

  public MetricsRoute(Supplier<String> scrape) {
    this.scrape = scrape;
  }

  public Route route() {
    return path("metrics", () -> get(() -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(TEXT_FORMAT, scrape.get().getBytes(StandardCharsets.UTF_8))))));
  }
}
