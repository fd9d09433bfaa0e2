package io.petrel.node.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a command accepts: its positional arguments (at least {@code minPositionals}, at most
 * {@code maxPositionals}) and its options. Every command also takes {@code --endpoint URL} and {@code --help};
 * they are added here so that no command can forget them. {@link #help()} renders the text {@code --help}
 * prints.
 */
public record CommandSpec(String name, String synopsis, String description, int minPositionals,
    int maxPositionals, List<Option> options) {

  /** An option: a flag when {@code valueName} is null, else it takes one value; repeatable ones collect all. */
  public record Option(String name, String valueName, boolean repeatable, String help) {
    public static Option flag(String name, String help) {
      return new Option(name, null, false, help);
    }

    public static Option value(String name, String valueName, String help) {
      return new Option(name, valueName, false, help);
    }

    public static Option repeated(String name, String valueName, String help) {
      return new Option(name, valueName, true, help);
    }

    public boolean takesValue() {
      return valueName != null;
    }
  }

  public static final Option ENDPOINT = Option.value("--endpoint", "URL",
      "the node's gateway (default $PETREL_ENDPOINT, else http://127.0.0.1:9000)");
  public static final Option HELP = Option.flag("--help", "show this help");

  public CommandSpec {
    List<Option> all = new ArrayList<>(options);
    all.add(ENDPOINT);
    all.add(HELP);
    options = List.copyOf(all);
  }

  public Optional<Option> option(String optionName) {
    return options.stream().filter(o -> o.name().equals(optionName)).findFirst();
  }

  public String help() {
    StringBuilder text = new StringBuilder("usage: petrel ").append(name).append(' ').append(synopsis).append('\n')
        .append(description.strip().indent(2)).append("options:\n");
    int width = options.stream().mapToInt(o -> label(o).length()).max().orElse(0);
    for (Option o : options) {
      text.append("  ").append(String.format("%-" + width + "s", label(o))).append("  ").append(o.help())
          .append('\n');
    }
    return text.toString();
  }

  private static String label(Option o) {
    return o.takesValue() ? o.name() + " " + o.valueName() : o.name();
  }
}
