package io.petrel.loadtest;

/** A failure that ends the benchmark; its message is printed to the user as is. */
final class BenchmarkException extends RuntimeException {
  BenchmarkException(String message) {
    super(message);
  }
}
