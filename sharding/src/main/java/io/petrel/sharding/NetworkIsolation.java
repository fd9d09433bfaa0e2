package io.petrel.sharding;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gives each sandboxed environment its own network namespace with outbound access through {@code pasta} (Debian
 * package passt), and nothing of the host's own network.
 *
 * <p>How one environment is connected: bwrap starts with {@code --unshare-net}; inside, still root with the
 * capabilities bwrap keeps for a root caller, the {@link #prologue} adds a {@code prohibit} route for every
 * denied network ({@link #deniedNetworks}: every address of the host's interfaces, link-local 169.254.0.0/16
 * where cloud metadata services live, and the configured deny list) and then waits on its stdin. The node
 * attaches pasta to the namespace from outside ({@link #pastaCommand}): pasta copies the host's address and
 * default route into it, carries outbound TCP, UDP and ICMP through host sockets, does <em>not</em> map the
 * gateway address to the host ({@code --no-map-gw}), forwards no host port inward, and forwards exactly one port
 * outward: the environment's Runtime API, from the namespace's 127.0.0.1 to the host's. When pasta is up the node
 * writes {@code go} to the prologue, which then runs the runtime through setpriv as uid {@value Sandbox#UID}
 * with no capabilities. The namespace belongs to the host's initial user namespace, so that process can never
 * gain CAP_NET_ADMIN over it: it cannot delete the routes. Its loopback is its own: the host's 127.0.0.0/8
 * (gateway, Pekko remoting, a local store) is out of reach but for its own Runtime API port.
 *
 * <p>Only a root node (setpriv mode) gets this; other modes keep the host network and say so.
 */
public final class NetworkIsolation {
  /** Where cloud metadata services answer (169.254.169.254) and other link-local hosts live. */
  public static final String LINK_LOCAL = "169.254.0.0/16";
  /** Exit status of the prologue when the network could not be set up. */
  public static final int SETUP_FAILED = 70;
  /** The prologue: $1 is the batch of routes for ip, then the command to run once the node says go. */
  private static final String PROLOGUE = """
      printf '%s' "$1" | @IP@ -batch - >&2 || { echo '[petrel] the network of this environment could not be set up' >&2; exit 70; }
      shift
      IFS= read -r go && [ "$go" = go ] || { echo '[petrel] the network of this environment did not come up' >&2; exit 70; }
      exec "$@" </dev/null
      """;

  private final String pasta;
  private final String ip;
  private final String setpriv;

  NetworkIsolation(String pasta, String ip, String setpriv) {
    this.pasta = pasta;
    this.ip = ip;
    this.setpriv = setpriv;
  }

  /** pasta and ip where both are installed; {@code setpriv} is the one the sandbox uses. */
  static Optional<NetworkIsolation> detect(String setpriv) {
    Optional<String> pasta = Sandbox.onPath("pasta");
    Optional<String> ip = Sandbox.onPath("ip");
    return pasta.isPresent() && ip.isPresent() && setpriv != null
        ? Optional.of(new NetworkIsolation(pasta.get(), ip.get(), setpriv)) : Optional.empty();
  }

  public String describe() {
    return "own network namespace per environment via " + pasta + ": outbound only, host addresses and "
        + LINK_LOCAL + " refused";
  }

  /** What goes before the sandboxed command: a shell that sets the routes and waits for the node's go. */
  List<String> prologue(List<String> deniedNetworks) {
    StringBuilder batch = new StringBuilder();
    for (String cidr : deniedNetworks) {
      batch.append("route add prohibit ").append(cidr).append('\n');
    }
    return List.of("/bin/sh", "-c", PROLOGUE.replace("@IP@", ip), "petrel-net", batch.toString());
  }

  /**
   * pasta attached to the network namespace of process {@code namespacePid}, forwarding {@code runtimeApiPort}
   * from the namespace's loopback to the host's; it writes {@code pidFile} once it is ready and dies with the
   * thread that starts it.
   */
  public List<String> pastaCommand(long namespacePid, int runtimeApiPort, Path pidFile) {
    return List.of(setpriv, "--pdeathsig", "KILL", "--", pasta, "--foreground", "--quiet", "--runas", "0",
        "--config-net", "--no-map-gw", "--tcp-ports", "none", "--udp-ports", "none",
        "--tcp-ns", Integer.toString(runtimeApiPort), "--udp-ns", "none", "--pid", pidFile.toString(),
        "--netns", "/proc/" + namespacePid + "/ns/net");
  }

  /** The networks an environment must not reach: the host's own addresses, link-local, and {@code configured}. */
  public static List<String> deniedNetworks(List<String> configured) {
    Set<String> all = new LinkedHashSet<>();
    all.add(LINK_LOCAL);
    all.addAll(hostAddresses());
    all.addAll(configured);
    return List.copyOf(all);
  }

  /** Every non-loopback address of this machine's interfaces, as a /32 or /128. */
  static List<String> hostAddresses() {
    List<String> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (!a.isLoopbackAddress()) {
            String text = a.getHostAddress();
            int scope = text.indexOf('%');
            out.add((scope < 0 ? text : text.substring(0, scope)) + (a instanceof Inet6Address ? "/128" : "/32"));
          }
        }
      }
    } catch (SocketException e) {
      // no interfaces to read: only the configured and link-local networks are denied
    }
    return out;
  }

  /**
   * A network in CIDR notation, checked: an IPv4 or IPv6 literal with an optional prefix length (a bare address
   * is one host), with the host bits cleared. Throws IllegalArgumentException naming the value otherwise.
   */
  public static String cidr(String value) {
    String[] parts = value.trim().split("/", -1);
    if (parts.length > 2 || !parts[0].matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("petrel.sharding.sandbox.deny-networks: not a network: " + value);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(parts[0]); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("petrel.sharding.sandbox.deny-networks: not an address: " + value);
    }
    int max = address instanceof Inet6Address ? 128 : 32;
    int prefix;
    try {
      prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : max;
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException("petrel.sharding.sandbox.deny-networks: the prefix length of " + value
          + " must be 0 to " + max);
    }
    byte[] bytes = address.getAddress();
    for (int bit = prefix; bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
