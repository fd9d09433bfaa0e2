package io.petrel.node.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A command's arguments, parsed against its {@link CommandSpec}: options as {@code --name value} or
 * {@code --name=value}, in any order among the positional arguments; {@code --} ends the options (so a payload
 * may start with a dash). {@code --help} or {@code -h} anywhere wins over every other mistake. Whatever does
 * not fit the spec is a {@link CliException#usage usage error} that names the argument and where to look.
 */
public final class Args {
  private final boolean help;
  private final List<String> positionals;
  private final Map<String, List<String>> values;

  private Args(boolean help, List<String> positionals, Map<String, List<String>> values) {
    this.help = help;
    this.positionals = List.copyOf(positionals);
    this.values = values;
  }

  /** Parses {@code argv}, the arguments after the command name. */
  public static Args parse(CommandSpec spec, List<String> argv) {
    int end = argv.indexOf("--");
    List<String> optionPart = end < 0 ? argv : argv.subList(0, end);
    if (optionPart.contains("--help") || optionPart.contains("-h")) {
      return new Args(true, List.of(), Map.of());
    }
    List<String> positionals = new ArrayList<>();
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (i == end) {
        positionals.addAll(argv.subList(i + 1, argv.size()));
        break;
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        positionals.add(arg);
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq > 0 ? arg.substring(0, eq) : arg;
      CommandSpec.Option option = spec.option(name).orElseThrow(() -> usage(spec, "unknown option " + name));
      String value;
      if (!option.takesValue()) {
        if (eq > 0) {
          throw usage(spec, name + " takes no value");
        }
        value = "";
      } else if (eq > 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < argv.size() && i + 1 != end) {
        value = argv.get(++i);
      } else {
        throw usage(spec, name + " needs a value (" + option.valueName() + ")");
      }
      List<String> given = values.computeIfAbsent(name, n -> new ArrayList<>());
      if (!given.isEmpty() && !option.repeatable()) {
        throw usage(spec, name + " is given more than once");
      }
      given.add(value);
    }
    if (positionals.size() < spec.minPositionals()) {
      String synopsis = spec.synopsis().replaceAll("\\s*\\[.*", "");
      throw usage(spec, "missing argument: petrel " + spec.name() + " " + synopsis);
    }
    if (positionals.size() > spec.maxPositionals()) {
      throw usage(spec, "unexpected argument '" + positionals.get(spec.maxPositionals()) + "'");
    }
    return new Args(false, positionals, values);
  }

  /** A usage error for this command, pointing at its help. */
  public static CliException usage(CommandSpec spec, String problem) {
    return CliException.usage(spec.name() + ": " + problem + " (see petrel " + spec.name() + " --help)");
  }

  public boolean help() {
    return help;
  }

  public List<String> positionals() {
    return positionals;
  }

  public Optional<String> positional(int index) {
    return index < positionals.size() ? Optional.of(positionals.get(index)) : Optional.empty();
  }

  public Optional<String> value(String option) {
    List<String> given = values.getOrDefault(option, List.of());
    return given.isEmpty() ? Optional.empty() : Optional.of(given.get(given.size() - 1));
  }

  public List<String> values(String option) {
    return values.getOrDefault(option, List.of());
  }

  public boolean flag(String option) {
    return values.containsKey(option);
  }

  /** Whether any of these options was given. */
  public boolean anyOf(List<String> options) {
    return options.stream().anyMatch(values::containsKey);
  }

  /** A whole number option within [min, max], or empty when absent. */
  public Optional<Integer> integer(CommandSpec spec, String option, int min, int max) {
    return value(option).map(v -> {
      try {
        int n = Integer.parseInt(v.strip());
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException ignored) {
        // answered below
      }
      throw usage(spec, option + " must be a whole number from " + min + " to " + max + ", got '" + v + "'");
    });
  }
}
