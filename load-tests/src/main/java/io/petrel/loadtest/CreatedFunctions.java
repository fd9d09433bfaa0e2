package io.petrel.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * The functions a benchmark run created, so that it deletes them when it ends: normally, on failure, or from
 * the shutdown hook on Ctrl-C. Thread-safe.
 */
final class CreatedFunctions {
  private final LambdaClient client;
  private final String command;
  private final List<String> names = new ArrayList<>();

  /** {@code command} names the benchmark in what it prints (e.g. bench-invoke). */
  CreatedFunctions(LambdaClient client, String command) {
    this.client = client;
    this.command = command;
  }

  synchronized void add(String name) {
    names.add(name);
  }

  /** Deletes the functions created so far; best effort, each failure printed to stderr. */
  void deleteAll() {
    List<String> toDelete;
    synchronized (this) {
      toDelete = new ArrayList<>(names);
      names.clear();
    }
    for (String name : toDelete) {
      try {
        client.deleteFunction(name);
      } catch (RuntimeException e) {
        System.err.println(command + ": could not delete function " + name + ": " + e.getMessage());
      }
    }
  }
}
