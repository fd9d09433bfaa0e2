package io.petrel.loadtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps the requested runtimes ("python", "nodejs" or exact ids) to ids the node supports. */
final class Runtimes {
  private static final Pattern PYTHON = Pattern.compile("python3\\.(\\d+)");
  private static final Pattern NODEJS = Pattern.compile("nodejs(\\d+)\\.x");

  private Runtimes() {}

  /**
   * One supported id per request: an exact id as is, a family name as the newest version of it the node
   * supports. Throws BenchmarkException naming the supported ids when a request cannot be met.
   */
  static List<String> resolve(List<String> requested, List<String> supported) {
    List<String> ids = new ArrayList<>();
    for (String request : requested) {
      String id = match(request, supported).orElseThrow(() -> new BenchmarkException("runtime '" + request
          + "' cannot be benchmarked on this node; it supports " + String.join(", ", supported)
          + " (the benchmark runs python3.x and nodejsN.x)"));
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static Optional<String> match(String request, List<String> supported) {
    return switch (request) {
      case "python" -> newest(supported, PYTHON);
      case "nodejs", "node" -> newest(supported, NODEJS);
      default -> supported.contains(request)
          && (PYTHON.matcher(request).matches() || NODEJS.matcher(request).matches())
          ? Optional.of(request) : Optional.empty();
    };
  }

  private static Optional<String> newest(List<String> supported, Pattern family) {
    return supported.stream()
        .filter(id -> family.matcher(id).matches())
        .max(Comparator.comparingInt(id -> version(id, family)));
  }

  private static int version(String id, Pattern family) {
    Matcher m = family.matcher(id);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }
}
