package io.petrel.loadtest;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Cold starts of one function: each sample changes the function's environment variables, which makes the
 * node start a new environment for the next call, then invokes once with the log tail and records the
 * client-observed latency and the Init Duration from the REPORT line.
 */
final class ColdStartBenchmark {

  /**
   * The cold start samples of one runtime. {@code notCold} counts calls whose REPORT line had no Init Duration
   * (the configuration change did not start a new environment); they are left out of both histograms.
   */
  record Result(String runtime, Histogram clientLatency, Histogram initDuration, int notCold) {}

  private final LambdaClient client;

  ColdStartBenchmark(LambdaClient client) {
    this.client = client;
  }

  Result run(String runtime, String function, int samples) {
    Histogram clientLatency = Latencies.newHistogram();
    Histogram initDuration = Latencies.newHistogram();
    int notCold = 0;
    // The function was just created: its first call is a cold start too, not recorded, so that the node's
    // code paths for this runtime are warm before sampling.
    client.invoke(function, false);
    for (int i = 1; i <= samples; i++) {
      client.setEnvironment(function, Map.of("PETREL_BENCH_GENERATION", Integer.toString(i)));
      LambdaClient.Invocation call = client.invoke(function, true);
      String tail = call.logTail().orElseThrow(() -> new BenchmarkException(
          "Invoke " + function + " with X-Amz-Log-Type: Tail answered no X-Amz-Log-Result header"));
      var init = LogTail.initDurationMicros(tail);
      if (init.isEmpty()) {
        notCold++;
        continue;
      }
      Latencies.recordNanos(clientLatency, call.nanos());
      Latencies.recordMicros(initDuration, init.get());
    }
    if (clientLatency.getTotalCount() == 0) {
      throw new BenchmarkException("no cold start of " + runtime + " was observed: after each"
          + " UpdateFunctionConfiguration the REPORT line had no Init Duration");
    }
    return new Result(runtime, clientLatency, initDuration, notCold);
  }
}
