package io.petrel.node.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;

/**
 * What a running command may use: the gateway, the standard streams, the clock, and whether a person is
 * watching (a terminal), which decides whether progress is redrawn in place.
 */
record Session(GatewayClient gateway, InputStream in, PrintStream out, PrintStream err, Clock clock,
    boolean interactive) {}
