package io.petrel.loadtest;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a run started and must undo, as steps run newest first, each at most once, best effort: a step that
 * throws is reported and the others still run. Safe to run from the main thread and from a shutdown hook at
 * the same time. Steps learn whether the run failed (neither finished nor interrupted), so that they can keep
 * what tells why, such as a server's log.
 */
final class Cleanup {

  /** One thing to undo; {@code failed} is true when the run ended in an error. */
  interface Step {
    void run(boolean failed);
  }

  private final String command;
  private final Deque<Step> steps = new ArrayDeque<>();
  private volatile boolean finished;
  private volatile boolean interrupted;

  Cleanup(String command) {
    this.command = command;
  }

  void add(Runnable step) {
    add(failed -> step.run());
  }

  synchronized void add(Step step) {
    steps.push(step);
  }

  /** The run produced its report. */
  void finished() {
    finished = true;
  }

  /** Ctrl-C or SIGTERM: nothing to keep for later. */
  void interrupted() {
    interrupted = true;
  }

  boolean wasInterrupted() {
    return interrupted;
  }

  /** Runs the steps not run yet, newest first. */
  void run() {
    boolean failed = !finished && !interrupted;
    while (true) {
      Step step;
      synchronized (this) {
        step = steps.poll();
      }
      if (step == null) {
        return;
      }
      try {
        step.run(failed);
      } catch (RuntimeException e) {
        System.err.println(command + ": cleanup: " + e);
      }
    }
  }
}
