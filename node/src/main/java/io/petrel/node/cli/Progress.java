package io.petrel.node.cli;

import java.io.PrintStream;

/**
 * The upload progress line on stderr. On a terminal it is redrawn in place at most ten times a second; otherwise
 * (a pipe, a log file, CI) only the final line is written, so logs do not fill with carriage returns.
 */
final class Progress {
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream err;
  private final boolean interactive;
  private final String label;
  private final long total;
  private long lastDrawn = Long.MIN_VALUE;
  private long sent;

  Progress(PrintStream err, boolean interactive, String label, long total) {
    this.err = err;
    this.interactive = interactive;
    this.label = label;
    this.total = total;
  }

  synchronized void sent(long bytes) {
    sent = bytes;
    long now = System.nanoTime();
    if (interactive && (lastDrawn == Long.MIN_VALUE || now - lastDrawn >= REDRAW_NANOS)) {
      lastDrawn = now;
      err.print("\r" + Formats.progress(label, sent, total));
      err.flush();
    }
  }

  synchronized void done() {
    err.print((interactive ? "\r" : "") + Formats.progress(label, sent, total) + "\n");
    err.flush();
  }
}
