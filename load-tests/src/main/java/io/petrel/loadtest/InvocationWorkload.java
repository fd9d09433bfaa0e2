package io.petrel.loadtest;

import io.petrel.persistence.FunctionId;
import io.petrel.persistence.InvocationRecord;
import io.petrel.persistence.LogLine;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Invocations as a node hands them to its store: one record and its log lines each, with values shaped like
 * real traffic. Invocation i belongs to function i mod F, so the functions are spread evenly and interleaved.
 * Every start and log time lies on today's UTC date, at or before {@code now}, so one run fills one day
 * partition per function.
 *
 * <p>Shapes: durations log-normal around 20 ms (billed rounded up to the millisecond), 2% cold starts with an
 * Init Duration, 97% Success, 2% FunctionError (Unhandled), 1% Timeout; memory 128 to 2048 MB by function.
 * The log of an invocation is START, END and REPORT lines as Lambda writes them, with the function's own lines
 * between START and END when more than three are asked for.
 */
final class InvocationWorkload {
  static final String ACCOUNT = "123456789012";
  private static final int[] MEMORY_MB = {128, 256, 512, 1024, 2048};
  private static final long WINDOW_MS = 3_600_000L; // starts spread over the last hour (of today)

  /** One invocation: what {@code record} gets and what {@code appendLogs} gets. */
  record Invocation(InvocationRecord record, List<LogLine> lines) {}

  private InvocationWorkload() {}

  /** {@code count} functions of the benchmark's account, named bench-fn-00, bench-fn-01, ... */
  static List<FunctionId> functions(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> new FunctionId(ACCOUNT, String.format(Locale.ROOT, "bench-fn-%02d", i)))
        .toList();
  }

  /** {@code records} invocations over {@code functions}, {@code linesPerRecord} log lines each. */
  static List<Invocation> generate(List<FunctionId> functions, int records, int linesPerRecord, Instant now,
      long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long nowMs = now.toEpochMilli();
    long dayStartMs = now.atOffset(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant()
        .toEpochMilli();
    List<Invocation> out = new ArrayList<>(records);
    for (int i = 0; i < records; i++) {
      int f = i % functions.size();
      FunctionId function = functions.get(f);
      String version = f % 3 == 0 ? "$LATEST" : Integer.toString(1 + f % 7);
      int memoryMb = MEMORY_MB[f % MEMORY_MB.length];
      String requestId = new UUID(random.nextLong() & ~0xF000L | 0x4000L,
          random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();

      double durationMs = Math.min(30_000, Math.max(0.5, Math.exp(Math.log(20) + random.nextGaussian())));
      long billedMs = (long) Math.ceil(durationMs);
      long startMs = Math.max(dayStartMs, nowMs - billedMs - random.nextLong(WINDOW_MS));
      int maxMemoryMb = 30 + random.nextInt(Math.max(1, memoryMb * 3 / 5));
      Optional<Double> initMs = random.nextInt(100) < 2
          ? Optional.of(150 + random.nextDouble() * 750) : Optional.empty();
      int roll = random.nextInt(100);
      String outcome = roll < 97 ? "Success" : roll < 99 ? "FunctionError" : "Timeout";
      Optional<String> errorType = roll < 97 ? Optional.empty()
          : Optional.of(roll < 99 ? "Unhandled" : "Sandbox.Timedout");

      Instant start = Instant.ofEpochMilli(startMs);
      InvocationRecord record = new InvocationRecord(requestId, function, version, version, start, durationMs,
          billedMs, memoryMb, maxMemoryMb, initMs, outcome, errorType);
      out.add(new Invocation(record, logLines(record, linesPerRecord, random)));
    }
    return out;
  }

  private static List<LogLine> logLines(InvocationRecord r, int count, SplittableRandom random) {
    String id = r.requestId();
    long startMs = r.start().toEpochMilli();
    Instant end = Instant.ofEpochMilli(startMs + r.billedDurationMs());
    String report = String.format(Locale.ROOT, "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms"
            + "\tMemory Size: %d MB\tMax Memory Used: %d MB%s", id, r.durationMs(), r.billedDurationMs(),
        r.memorySizeMb(), r.maxMemoryUsedMb(),
        r.initDurationMs().map(ms -> String.format(Locale.ROOT, "\tInit Duration: %.2f ms", ms)).orElse(""));
    List<LogLine> lines = new ArrayList<>(count);
    if (count >= 2) {
      lines.add(new LogLine(r.function(), id, r.start(), "START RequestId: " + id + " Version: "
          + r.executedVersion()));
    }
    for (int k = 0; k < count - 3; k++) {
      Instant at = Instant.ofEpochMilli(startMs + r.billedDurationMs() * (k + 1) / (count - 1));
      lines.add(new LogLine(r.function(), id, at, String.format(Locale.ROOT,
          "%s\t%s\tINFO\tprocessed order %d (%d items) for customer c-%05d", at, id, random.nextInt(1_000_000),
          1 + random.nextInt(9), random.nextInt(100_000))));
    }
    if (count >= 3) {
      lines.add(new LogLine(r.function(), id, end, "END RequestId: " + id));
    }
    lines.add(new LogLine(r.function(), id, end, report));
    return List.copyOf(lines);
  }
}
