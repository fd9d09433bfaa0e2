package io.petrel.loadtest;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the REPORT line of a Lambda log tail. */
final class LogTail {
  private static final Pattern INIT_DURATION =
      Pattern.compile("^REPORT .*\\bInit Duration: ([0-9]+(?:\\.[0-9]+)?) ms", Pattern.MULTILINE);

  private LogTail() {}

  /** The Init Duration of a cold start in microseconds; empty when the call ran in an existing environment. */
  static Optional<Long> initDurationMicros(String tail) {
    Matcher m = INIT_DURATION.matcher(tail);
    return m.find() ? Optional.of(Math.round(Double.parseDouble(m.group(1)) * 1000)) : Optional.empty();
  }
}
