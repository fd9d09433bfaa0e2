package io.petrel.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointAndTimeSpecTest {
  private static final Instant NOW = Instant.parse("2026-11-23T16:05:00Z");

  @Test
  void the_option_wins_over_the_environment_which_wins_over_the_default() {
    assertThat(Endpoint.resolve(Optional.of("http://a:1/"), Optional.of("http://b:2"))).isEqualTo(URI.create("http://a:1"));
    assertThat(Endpoint.resolve(Optional.empty(), Optional.of("https://b:2"))).isEqualTo(URI.create("https://b:2"));
    assertThat(Endpoint.resolve(Optional.empty(), Optional.of(" "))).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(Endpoint.resolve(Optional.empty(), Optional.empty())).isEqualTo(URI.create("http://127.0.0.1:9000"));
  }

  @Test
  void an_endpoint_that_is_not_an_http_url_is_a_usage_error_naming_its_source() {
    assertThatThrownBy(() -> Endpoint.resolve(Optional.of("localhost:9000"), Optional.empty()))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("--endpoint must be an http:// or https:// URL");
    assertThatThrownBy(() -> Endpoint.resolve(Optional.empty(), Optional.of("ftp://h")))
        .hasMessageContaining("PETREL_ENDPOINT must be");
  }

  @Test
  void spans_count_back_from_now() {
    assertThat(TimeSpec.parse("30s", NOW)).contains(Instant.parse("2026-11-23T16:04:30Z"));
    assertThat(TimeSpec.parse("10m", NOW)).contains(Instant.parse("2026-11-23T15:55:00Z"));
    assertThat(TimeSpec.parse("1h", NOW)).contains(Instant.parse("2026-11-23T15:05:00Z"));
    assertThat(TimeSpec.parse("2d", NOW)).contains(Instant.parse("2026-11-21T16:05:00Z"));
  }

  @Test
  void instants_offsets_and_dates_are_points_in_time() {
    assertThat(TimeSpec.parse("2026-11-23T16:00:00.5Z", NOW)).contains(Instant.parse("2026-11-23T16:00:00.500Z"));
    assertThat(TimeSpec.parse("2026-11-23T17:00:00+01:00", NOW)).contains(Instant.parse("2026-11-23T16:00:00Z"));
    assertThat(TimeSpec.parse("2026-11-20", NOW)).contains(Instant.parse("2026-11-20T00:00:00Z"));
  }

  @Test
  void anything_else_is_refused() {
    assertThat(TimeSpec.parse("10 minutes", NOW)).isEmpty();
    assertThat(TimeSpec.parse("1y", NOW)).isEmpty();
    assertThat(TimeSpec.parse("yesterday", NOW)).isEmpty();
  }
}
