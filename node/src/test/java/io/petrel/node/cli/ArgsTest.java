package io.petrel.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.node.cli.CommandSpec.Option;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgsTest {
  private static final CommandSpec SPEC = new CommandSpec("deploy", "<folder|zip> [options]", "Deploys.", 1, 1,
      List.of(Option.value("--name", "NAME", "the name"), Option.repeated("--env", "K=V", "a variable"),
      Option.flag("--publish", "publish"), Option.value("--memory", "MB", "memory")));

  private static Args parse(String... argv) {
    return Args.parse(SPEC, List.of(argv));
  }

  @Test
  void reads_options_in_any_order_around_the_positional_argument() {
    Args args = parse("--name", "hello", "fn", "--publish", "--env=A=1", "--env", "B=2", "--endpoint", "http://h:1");
    assertThat(args.positionals()).containsExactly("fn");
    assertThat(args.value("--name")).contains("hello");
    assertThat(args.values("--env")).containsExactly("A=1", "B=2");
    assertThat(args.flag("--publish")).isTrue();
    assertThat(args.flag("--memory")).isFalse();
    assertThat(args.value("--endpoint")).contains("http://h:1");
    assertThat(args.help()).isFalse();
  }

  @Test
  void refuses_an_unknown_option_naming_it_and_the_help() {
    assertThatThrownBy(() -> parse("fn", "--nmae", "x"))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage("deploy: unknown option --nmae (see petrel deploy --help)");
  }

  @Test
  void refuses_an_option_without_its_value() {
    assertThatThrownBy(() -> parse("fn", "--name")).isInstanceOf(CliException.class)
        .hasMessageContaining("--name needs a value (NAME)");
  }

  @Test
  void refuses_a_value_for_a_flag_and_a_repeated_single_option() {
    assertThatThrownBy(() -> parse("fn", "--publish=yes")).hasMessageContaining("--publish takes no value");
    assertThatThrownBy(() -> parse("fn", "--name", "a", "--name", "b"))
        .hasMessageContaining("--name is given more than once");
  }

  @Test
  void refuses_missing_and_extra_positional_arguments() {
    assertThatThrownBy(() -> parse("--publish")).hasMessageContaining("missing argument: petrel deploy <folder|zip>");
    assertThatThrownBy(() -> parse("a", "b")).hasMessageContaining("unexpected argument 'b'");
  }

  @Test
  void help_wins_over_every_other_mistake() {
    assertThat(parse("--bogus", "--help").help()).isTrue();
    assertThat(parse("-h").help()).isTrue();
  }

  @Test
  void a_double_dash_ends_the_options() {
    Args args = Args.parse(new CommandSpec("invoke", "<f> [payload]", "", 1, 2, List.of()),
        List.of("f", "--", "--help"));
    assertThat(args.help()).isFalse();
    assertThat(args.positionals()).containsExactly("f", "--help");
  }

  @Test
  void a_lone_dash_is_a_positional_argument() {
    assertThat(parse("-").positionals()).containsExactly("-");
  }

  @Test
  void numbers_are_checked_against_their_range() {
    assertThat(parse("fn", "--memory", "256").integer(SPEC, "--memory", 128, 10240)).contains(256);
    assertThat(parse("fn").integer(SPEC, "--memory", 128, 10240)).isEmpty();
    assertThatThrownBy(() -> parse("fn", "--memory", "lots").integer(SPEC, "--memory", 128, 10240))
        .hasMessageContaining("--memory must be a whole number from 128 to 10240, got 'lots'");
  }

  @Test
  void help_lists_every_option_with_endpoint_and_help() {
    assertThat(SPEC.help()).startsWith("usage: petrel deploy <folder|zip> [options]\n  Deploys.\noptions:\n")
        .contains("  --name NAME     the name\n", "  --env K=V", "  --endpoint URL", "  --help");
  }
}
