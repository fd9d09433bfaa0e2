package io.petrel.sharding;

import com.typesafe.config.Config;
import java.time.Duration;

/** Typed {@code petrel.sharding} settings (see reference.conf). */
public record EngineSettings(
    Duration keepAlive,
    int defaultConcurrency,
    int queueLimit,
    long maxPayloadBytes,
    long memoryBudgetMb,
    long tmpBytes,
    int maxProcesses,
    double minCpus,
    boolean isolateNetwork,
    java.util.List<String> denyNetworks,
    String region) {

  /** "auto" is a share of the machine's physical memory; anything else a size such as 8GiB. */
  static long memoryBudgetMb(String setting, double share) {
    if (setting.equals("auto")) {
      var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
          .getOperatingSystemMXBean();
      return (long) (os.getTotalMemorySize() * share) / (1024 * 1024);
    }
    return com.typesafe.config.ConfigFactory.parseString("b = " + setting).getBytes("b") / (1024 * 1024);
  }

  public static EngineSettings from(Config root) {
    Config c = root.getConfig("petrel.sharding");
    return new EngineSettings(
        c.getDuration("keep-alive"),
        c.getInt("default-concurrency"),
        c.getInt("queue-limit"),
        c.getBytes("max-payload-size"),
        memoryBudgetMb(c.getString("memory-budget"), c.getDouble("memory-budget-share")),
        c.getBytes("tmp-size"),
        c.getInt("max-processes"),
        c.getDouble("min-cpus"),
        c.getBoolean("sandbox.isolate-network"),
        c.getStringList("sandbox.deny-networks").stream().map(NetworkIsolation::cidr).toList(),
        root.getString("petrel.gateway.region"));
  }
}
