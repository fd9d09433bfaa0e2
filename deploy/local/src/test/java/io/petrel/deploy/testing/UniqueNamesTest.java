package io.petrel.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UniqueNamesTest {
  @Test
  void keyspace_names_are_readable_valid_cql_identifiers() {
    assertThat(UniqueNames.keyspace("FunctionStoreIT")).matches("function_store_it_[a-z0-9]{5}_[0-9]+");
    assertThat(UniqueNames.keyspace("HTTPGatewayIT")).startsWith("http_gateway_it_");
    assertThat(UniqueNames.keyspace("42 things!")).startsWith("ks_42_things_");
    assertThat(UniqueNames.keyspace("")).matches("ks_[a-z0-9]{5}_[0-9]+");
  }

  @Test
  void long_hints_are_cut_to_the_48_characters_cassandra_allows() {
    String name = UniqueNames.keyspace("AVeryLongTestClassNameThatGoesOnAndOnBeyondAnyReasonableLengthIT");

    assertThat(name).hasSizeLessThanOrEqualTo(48).matches("[a-z][a-z0-9_]*").doesNotContain("__");
  }

  @Test
  void every_call_gets_a_new_name() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      names.add(UniqueNames.keyspace("SameHint"));
      names.add(UniqueNames.topicPrefix("SameHint"));
    }
    assertThat(names).hasSize(2000);
  }

  @Test
  void topic_prefixes_use_only_characters_kafka_allows() {
    assertThat(UniqueNames.topicPrefix("InvokeQueue_IT")).matches("invoke-queue-it-[a-z0-9]{5}-[0-9]+-");
    assertThat(UniqueNames.topicPrefix("")).matches("[a-z0-9]{5}-[0-9]+-");
  }
}
