package io.petrel.node.cli;

/** One {@code petrel} subcommand talking to a node: what it accepts and what it does with a parsed line. */
interface Command {
  CommandSpec spec();

  /** Runs the command; ends normally on success, with a {@link CliException} otherwise. */
  void run(Args args, Session session);
}
