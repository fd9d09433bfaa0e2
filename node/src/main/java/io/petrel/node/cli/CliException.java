package io.petrel.node.cli;

/**
 * Why a command stopped, as one line for stderr and the exit code that goes with it: 2 when what the user typed
 * cannot work (unknown option, missing value, a folder that is not there), 1 when a call failed (the API
 * answered an error, the function failed, the node could not be reached).
 */
public final class CliException extends RuntimeException {
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private final int exitCode;

  private CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public static CliException usage(String message) {
    return new CliException(USAGE, message);
  }

  public static CliException failed(String message) {
    return new CliException(FAILED, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
