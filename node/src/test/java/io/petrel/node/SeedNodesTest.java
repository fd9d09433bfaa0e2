package io.petrel.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeedNodesTest {

  @Test
  void host_and_port_pairs_become_addresses_of_the_petrel_system() {
    assertThat(SeedNodes.parse("10.0.0.1:2551, 10.0.0.2:2552"))
        .containsExactly("pekko://petrel@10.0.0.1:2551", "pekko://petrel@10.0.0.2:2552");
  }

  @Test
  void a_bare_host_gets_the_default_cluster_port_and_full_addresses_pass_through() {
    assertThat(SeedNodes.parse("node-a,pekko://petrel@node-b:2600"))
        .containsExactly("pekko://petrel@node-a:2551", "pekko://petrel@node-b:2600");
  }

  @Test
  void a_bad_port_or_an_empty_list_is_refused_with_the_value() {
    assertThatThrownBy(() -> SeedNodes.parse("10.0.0.1:http")).hasMessageContaining("'10.0.0.1:http'");
    assertThatThrownBy(() -> SeedNodes.parse("10.0.0.1:70000")).hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> SeedNodes.parse(" , ")).hasMessageContaining("names no node");
  }
}
