package io.petrel.deploy.testing;

import java.util.function.Supplier;

/**
 * A value made on first use and then shared by the whole JVM. If making it failed, every later call throws
 * that failure at once rather than trying again (a server that did not start will not start for the next
 * test class either).
 */
final class OncePerJvm<T> {
  private final Supplier<T> make;
  private T value;
  private RuntimeException failure;

  OncePerJvm(Supplier<T> make) {
    this.make = make;
  }

  synchronized T get() {
    if (failure != null) {
      throw failure;
    }
    if (value == null) {
      try {
        value = make.get();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
    return value;
  }
}
