package io.petrel.deploy.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops, when this JVM exits, the servers it started and did not stop, so that a test run leaves no server
 * behind. All get SIGTERM at once, then each up to {@link ServerPids#STOP_GRACE} before SIGKILL.
 */
final class ExitHook {
  private static final Set<ProcessHandle> SERVERS = ConcurrentHashMap.newKeySet();
  private static boolean installed;

  private ExitHook() {}

  static synchronized void add(ProcessHandle server) {
    if (!installed) {
      Runtime.getRuntime().addShutdownHook(new Thread(ExitHook::stopAll, "petrel-deploy-stop-servers"));
      installed = true;
    }
    SERVERS.add(server);
  }

  static void remove(ProcessHandle server) {
    SERVERS.remove(server);
  }

  private static void stopAll() {
    List<ProcessHandle> servers = List.copyOf(SERVERS);
    servers.forEach(ProcessHandle::destroy);
    for (ProcessHandle server : servers) {
      if (!ServerPids.awaitExit(server, ServerPids.STOP_GRACE)) {
        ServerPids.kill(server);
      }
    }
  }
}
