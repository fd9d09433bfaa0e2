package io.petrel.deploy;

/** A stand-in for a server JVM left running by a killed test run. */
public final class Sleeper {
  private Sleeper() {}

  public static void main(String[] args) throws InterruptedException {
    Thread.sleep(60_000);
  }
}
