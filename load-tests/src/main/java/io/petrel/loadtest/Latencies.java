package io.petrel.loadtest;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Histograms of durations in microseconds (3 significant digits, up to 10 minutes). */
final class Latencies {
  static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  private Latencies() {}

  static Histogram newHistogram() {
    return new Histogram(MAX_MICROS, 3);
  }

  static void recordNanos(Histogram histogram, long nanos) {
    recordMicros(histogram, TimeUnit.NANOSECONDS.toMicros(nanos));
  }

  static void recordMicros(Histogram histogram, long micros) {
    histogram.recordValue(Math.max(0, Math.min(micros, MAX_MICROS)));
  }

  /** The median in microseconds. */
  static long p50(Histogram histogram) {
    return histogram.getValueAtPercentile(50);
  }
}
