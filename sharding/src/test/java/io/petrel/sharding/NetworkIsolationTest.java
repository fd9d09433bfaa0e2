package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The command lines of network isolation, and the deny list's checks. */
class NetworkIsolationTest {
  private final NetworkIsolation network = new NetworkIsolation("/usr/bin/pasta", "/usr/sbin/ip", "/usr/bin/setpriv");

  @Test
  void an_isolated_sandbox_unshares_the_network_and_sets_its_routes_before_dropping_privileges() {
    Sandbox s = new Sandbox("/usr/bin/bwrap", Sandbox.UserMode.SETPRIV, "/usr/bin/setpriv", true,
        Optional.of(network));
    List<String> args = s.wrap(List.of("/usr/bin/python3", "/x/bootstrap.py"), Path.of("/data/code/ab"), List.of(),
        64L << 20, Optional.of(List.of("169.254.0.0/16", "192.0.2.2/32")));

    assertThat(args).contains("--unshare-net");
    int prologue = Collections.indexOfSubList(args, List.of("--", "/bin/sh", "-c"));
    int setpriv = args.indexOf("/usr/bin/setpriv");
    assertThat(prologue).isPositive().isLessThan(setpriv);
    assertThat(args.get(prologue + 3)).contains("/usr/sbin/ip -batch -", "read -r go", "exec \"$@\"");
    assertThat(args.get(prologue + 5)).isEqualTo("route add prohibit 169.254.0.0/16\nroute add prohibit 192.0.2.2/32\n");
    assertThat(args.subList(args.size() - 2, args.size())).containsExactly("/usr/bin/python3", "/x/bootstrap.py");
  }

  @Test
  void a_sandbox_without_network_isolation_refuses_to_build_an_isolated_command() {
    Sandbox s = new Sandbox("/usr/bin/bwrap", Sandbox.UserMode.SETPRIV, "/usr/bin/setpriv", true);
    assertThatThrownBy(() -> s.wrap(List.of("/bin/true"), Path.of("/data/code/ab"), List.of(), 1 << 20,
        Optional.of(List.of()))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void pasta_forwards_only_the_runtime_api_port_outward_and_nothing_inward() {
    List<String> command = network.pastaCommand(4242, 35001, Path.of("/run/x.pid"));
    assertThat(command.subList(0, 4)).containsExactly("/usr/bin/setpriv", "--pdeathsig", "KILL", "--");
    assertThat(Collections.indexOfSubList(command, List.of("--tcp-ns", "35001"))).isPositive();
    assertThat(Collections.indexOfSubList(command, List.of("--tcp-ports", "none"))).isPositive();
    assertThat(Collections.indexOfSubList(command, List.of("--udp-ports", "none"))).isPositive();
    assertThat(Collections.indexOfSubList(command, List.of("--udp-ns", "none"))).isPositive();
    assertThat(command).contains("--no-map-gw", "--config-net");
    assertThat(command.subList(command.size() - 2, command.size())).containsExactly("--netns", "/proc/4242/ns/net");
  }

  @Test
  void denies_link_local_and_every_address_of_this_machine_and_the_configured_networks() {
    List<String> denied = NetworkIsolation.deniedNetworks(List.of("10.0.0.0/8"));
    assertThat(denied).contains("169.254.0.0/16", "10.0.0.0/8").containsAll(NetworkIsolation.hostAddresses());
    assertThat(denied).noneMatch(n -> n.startsWith("127.") || n.equals("0:0:0:0:0:0:0:1/128"));
  }

  @Test
  void deny_list_entries_are_checked_and_normalized() {
    assertThat(NetworkIsolation.cidr("10.1.2.3/8")).isEqualTo("10.0.0.0/8");
    assertThat(NetworkIsolation.cidr("192.0.2.7")).isEqualTo("192.0.2.7/32");
    assertThat(NetworkIsolation.cidr("fd00::1/8")).isEqualTo("fd00:0:0:0:0:0:0:0/8");
    for (String bad : List.of("example.com", "10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "1.2.3.4/8/9", "")) {
      assertThatThrownBy(() -> NetworkIsolation.cidr(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("deny-networks");
    }
  }
}
