package io.petrel.deploy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Port look-ups for servers about to start. */
public final class Ports {
  private Ports() {}

  /** Checks a configured port: 0 (any free port) to 65535. */
  public static int check(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " must be 0 (any free port) to 65535, was " + port);
    }
    return port;
  }

  /**
   * Returns a port free right now on each of {@code hosts}, in order. All are held open until every one is
   * chosen, so the operating system cannot hand out the same port twice.
   */
  public static int[] free(List<String> hosts) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[hosts.size()];
      for (int i = 0; i < ports.length; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(hosts.get(i)));
        held.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not find free ports on " + hosts, e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // it was only probing
        }
      }
    }
  }

  /** Whether a server could bind {@code address} now (address reuse on, as servers set it). */
  public static boolean isFree(InetSocketAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(address, 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether something accepts TCP connections on {@code address}. */
  public static boolean accepts(InetSocketAddress address, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(address, (int) timeout.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
