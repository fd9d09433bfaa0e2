package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void walks_flag_value_pairs_with_dry_run_anywhere_between_them() {
    assertThat(pairs(new CommandLine("--calls", "5", "--dry-run", "--cold", "3"))).containsExactly("--calls=5",
        "--cold=3", "dry run");
    assertThat(pairs(new CommandLine("--dry-run", "--calls", "5"))).containsExactly("--calls=5", "dry run");
    assertThat(pairs(new CommandLine("--cold", "--dry-run"))).containsExactly("--cold=--dry-run");
  }

  private static List<String> pairs(CommandLine line) {
    List<String> pairs = new ArrayList<>();
    while (line.next()) {
      pairs.add(line.flag() + "=" + line.value());
    }
    if (line.dryRun()) {
      pairs.add("dry run");
    }
    return pairs;
  }

  @Test
  void a_flag_without_its_value_is_named() {
    CommandLine line = new CommandLine("--calls", "5", "--cold");
    assertThat(line.next()).isTrue();
    assertThatThrownBy(line::next).hasMessage("--cold needs a value");
  }

  @Test
  void digit_groups_are_taken_only_where_asked_for() {
    assertThat(CommandLine.positiveGrouped("--records", "1_000")).isEqualTo(1000);
    assertThatThrownBy(() -> CommandLine.positive("--calls", "1_000"))
        .hasMessage("--calls must be a whole number, got '1_000'");
    assertThatThrownBy(() -> CommandLine.positive("--calls", "0")).hasMessage("--calls must be at least 1, got 0");
    assertThat(CommandLine.nonNegative("--warmup", " 0 ")).isZero();
  }

  @Test
  void lists_drop_blanks_and_repeats_and_urls_lose_a_trailing_slash() {
    assertThat(CommandLine.list("--runtimes", "python, ,nodejs,python")).containsExactly("python", "nodejs");
    assertThatThrownBy(() -> CommandLine.list("--runtimes", " , ")).hasMessage("--runtimes needs at least one value");
    assertThat(CommandLine.httpUrl("http://127.0.0.1:9000/")).contains(URI.create("http://127.0.0.1:9000"));
    assertThat(CommandLine.httpUrl("ftp://host")).isEmpty();
  }

  @Test
  void host_and_port_takes_bracketed_ipv6_and_names_the_flag_and_an_example() {
    assertThat(CommandLine.hostAndPort("--kafka", " [::1]:9092 ", "h:1").getPort()).isEqualTo(9092);
    assertThat(CommandLine.hostAndPort("--kafka", "[::1]:9092", "h:1").getAddress().isLoopbackAddress()).isTrue();
    assertThatThrownBy(() -> CommandLine.hostAndPort("--kafka", "h:99999", "127.0.0.1:9092"))
        .hasMessage("--kafka must be host:port, e.g. 127.0.0.1:9092, got 'h:99999'");
  }
}
