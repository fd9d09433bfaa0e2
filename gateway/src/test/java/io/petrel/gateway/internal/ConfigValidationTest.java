package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.sharding.RuntimeCatalog;
import io.petrel.sharding.RuntimeCatalog.Family;
import io.petrel.sharding.RuntimeCatalog.Runtime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {

  private static final Runtime PYTHON =
      new Runtime("python3.12", Family.PYTHON, Optional.of(Path.of("/usr/bin/python3.12")));
  private static final Runtime NODEJS =
      new Runtime("nodejs20.x", Family.NODEJS, Optional.of(Path.of("/usr/bin/node")));
  private static final Runtime JAVA =
      new Runtime("java17", Family.JAVA, Optional.of(Path.of("/usr/lib/jvm/java-17/bin/java")));
  private static final Runtime PROVIDED = new Runtime("provided.al2023", Family.PROVIDED, Optional.empty());

  private static final RuntimeCatalog CATALOG = new RuntimeCatalog(Map.of(
      PYTHON.id(), PYTHON, NODEJS.id(), NODEJS, JAVA.id(), JAVA, PROVIDED.id(), PROVIDED));

  private final ConfigValidation validation = new ConfigValidation(CATALOG, "x86_64");

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(LambdaError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("InvalidParameterValueException");
        });
  }

  // --- memory

  @Test
  void the_smallest_memory_size_of_128_mb_is_accepted() {
    assertThatCode(() -> ConfigValidation.memorySize(128)).doesNotThrowAnyException();
  }

  @Test
  void the_largest_memory_size_of_10240_mb_is_accepted() {
    assertThatCode(() -> ConfigValidation.memorySize(10_240)).doesNotThrowAnyException();
  }

  @Test
  void a_memory_size_of_127_mb_is_refused_naming_memory_size_and_the_limits() {
    assertRefused(() -> ConfigValidation.memorySize(127))
        .hasMessageContaining("memorySize")
        .hasMessageContaining("127")
        .hasMessageContaining("128")
        .hasMessageContaining("10240");
  }

  @Test
  void a_memory_size_of_10241_mb_is_refused_naming_memory_size_and_the_limit() {
    assertRefused(() -> ConfigValidation.memorySize(10_241))
        .hasMessageContaining("memorySize")
        .hasMessageContaining("10241")
        .hasMessageContaining("10240");
  }

  // --- timeout

  @Test
  void a_timeout_of_one_second_is_accepted() {
    assertThatCode(() -> ConfigValidation.timeout(1)).doesNotThrowAnyException();
  }

  @Test
  void a_timeout_of_900_seconds_is_accepted() {
    assertThatCode(() -> ConfigValidation.timeout(900)).doesNotThrowAnyException();
  }

  @Test
  void a_timeout_of_zero_seconds_is_refused_naming_timeout() {
    assertRefused(() -> ConfigValidation.timeout(0))
        .hasMessageContaining("'timeout'")
        .hasMessageContaining("between 1 and 900");
  }

  @Test
  void a_timeout_of_901_seconds_is_refused_naming_the_limit() {
    assertRefused(() -> ConfigValidation.timeout(901))
        .hasMessageContaining("'timeout'")
        .hasMessageContaining("900");
  }

  // --- environment

  @Test
  void no_environment_variables_are_accepted() {
    assertThatCode(() -> ConfigValidation.environment(Map.of())).doesNotThrowAnyException();
  }

  @Test
  void environment_variables_of_exactly_4096_bytes_are_accepted() {
    Map<String, String> vars = Map.of("KEY", "v".repeat(4096 - 3));
    assertThat(bytes(vars)).isEqualTo(4096);

    assertThatCode(() -> ConfigValidation.environment(vars)).doesNotThrowAnyException();
  }

  @Test
  void environment_variables_of_4097_bytes_are_refused_naming_the_4kb_limit() {
    Map<String, String> vars = Map.of("KEY", "v".repeat(4097 - 3));
    assertThat(bytes(vars)).isEqualTo(4097);

    assertRefused(() -> ConfigValidation.environment(vars))
        .hasMessageContaining("4KB")
        .hasMessageContaining("4097");
  }

  @Test
  void the_environment_limit_adds_up_names_and_values_of_all_variables() {
    Map<String, String> fits = new LinkedHashMap<>();
    fits.put("FIRST", "a".repeat(2048 - 5));
    fits.put("SECOND", "b".repeat(2048 - 6));
    assertThat(bytes(fits)).isEqualTo(4096);
    assertThatCode(() -> ConfigValidation.environment(fits)).doesNotThrowAnyException();

    Map<String, String> tooMuch = new LinkedHashMap<>(fits);
    tooMuch.put("XY", "");
    assertRefused(() -> ConfigValidation.environment(tooMuch)).hasMessageContaining("4KB");
  }

  @Test
  void the_environment_limit_counts_utf8_bytes_not_characters() {
    String twoByteChars = "é".repeat(2047);
    Map<String, String> fits = Map.of("K1", twoByteChars);
    assertThat(bytes(fits)).isEqualTo(4096);
    assertThatCode(() -> ConfigValidation.environment(fits)).doesNotThrowAnyException();

    Map<String, String> tooMuch = Map.of("K12", twoByteChars);
    assertThat(("K12" + twoByteChars).length()).isLessThan(4096);
    assertRefused(() -> ConfigValidation.environment(tooMuch)).hasMessageContaining("4KB");
  }

  @Test
  void a_reserved_environment_key_is_refused_naming_the_key() {
    assertRefused(() -> ConfigValidation.environment(Map.of("AWS_REGION", "eu-west-1")))
        .hasMessageContaining("reserved keys")
        .hasMessageContaining("AWS_REGION");
  }

  @Test
  void reserved_credential_keys_are_refused_naming_the_key() {
    for (String key : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT")) {
      assertRefused(() -> ConfigValidation.environment(Map.of(key, "x"))).hasMessageContaining(key);
    }
  }

  @Test
  void reserved_keys_starting_with_an_underscore_are_refused_naming_the_key() {
    assertRefused(() -> ConfigValidation.environment(Map.of("_HANDLER", "x"))).hasMessageContaining("_HANDLER");
    assertRefused(() -> ConfigValidation.environment(Map.of("_X_AMZN_TRACE_ID", "x")))
        .hasMessageContaining("_X_AMZN_TRACE_ID");
  }

  @Test
  void a_non_reserved_aws_prefixed_key_is_accepted() {
    assertThatCode(() -> ConfigValidation.environment(Map.of("AWS_MY_SETTING", "1"))).doesNotThrowAnyException();
  }

  @Test
  void an_environment_key_starting_with_a_digit_is_refused() {
    assertRefused(() -> ConfigValidation.environment(Map.of("1ABC", "x")))
        .hasMessageContaining("Environment variable name '1ABC' is not valid");
  }

  @Test
  void a_single_letter_environment_key_is_refused() {
    assertRefused(() -> ConfigValidation.environment(Map.of("A", "x"))).hasMessageContaining("'A'");
  }

  @Test
  void a_two_letter_environment_key_is_accepted() {
    assertThatCode(() -> ConfigValidation.environment(Map.of("AB", "x"))).doesNotThrowAnyException();
  }

  @Test
  void environment_keys_with_hyphens_dots_or_spaces_are_refused() {
    for (String key : List.of("MY-VAR", "MY.VAR", "MY VAR", "")) {
      assertRefused(() -> ConfigValidation.environment(Map.of(key, "x")))
          .hasMessageContaining("Environment variable name '" + key + "'");
    }
  }

  private static int bytes(Map<String, String> vars) {
    return vars.entrySet().stream()
        .mapToInt(e -> (e.getKey() + e.getValue()).getBytes(StandardCharsets.UTF_8).length)
        .sum();
  }

  // --- handler

  @Test
  void python_and_nodejs_accept_file_dot_function_handlers() {
    for (Runtime runtime : List.of(PYTHON, NODEJS)) {
      for (String handler : List.of("app.handler", "dir/app.handler", "src/pkg/app.lambda_handler",
          "index.$handler")) {
        assertThatCode(() -> validation.handler(runtime, handler))
            .as("%s on %s", handler, runtime.id())
            .doesNotThrowAnyException();
      }
    }
  }

  @Test
  void python_refuses_a_handler_without_a_dot_with_a_python_example() {
    assertRefused(() -> validation.handler(PYTHON, "nodot"))
        .hasMessageContaining("Handler 'nodot' is not valid for runtime python3.12")
        .hasMessageContaining("app.handler");
  }

  @Test
  void nodejs_refuses_a_handler_without_a_dot_with_a_nodejs_example() {
    assertRefused(() -> validation.handler(NODEJS, "nodot"))
        .hasMessageContaining("runtime nodejs20.x")
        .hasMessageContaining("index.handler");
  }

  @Test
  void script_handlers_with_leading_or_inner_white_space_are_refused() {
    for (Runtime runtime : List.of(PYTHON, NODEJS)) {
      for (String handler : List.of(" a.b", "a.b c", "my app.handler", "app.handler ")) {
        assertRefused(() -> validation.handler(runtime, handler)).hasMessageContaining("is not valid");
      }
    }
  }

  @Test
  void script_handlers_starting_with_a_dot_or_ending_in_a_dot_are_refused() {
    for (String handler : List.of(".handler", "app.", "app.1handler", "")) {
      assertRefused(() -> validation.handler(PYTHON, handler)).hasMessageContaining("is not valid");
    }
  }

  @Test
  void java_accepts_class_and_class_with_method_handlers() {
    for (String handler : List.of("pkg.Class::method", "pkg.Class", "com.example.deep.Handler::handleRequest",
        "Handler", "pkg.Outer$Inner::run")) {
      assertThatCode(() -> validation.handler(JAVA, handler)).as(handler).doesNotThrowAnyException();
    }
  }

  @Test
  void java_refuses_a_class_with_an_empty_method() {
    assertRefused(() -> validation.handler(JAVA, "pkg.Class::"))
        .hasMessageContaining("Handler 'pkg.Class::' is not valid for runtime java17")
        .hasMessageContaining("package.Class::method");
  }

  @Test
  void java_refuses_malformed_class_names() {
    for (String handler : List.of("pkg..Class", "pkg.Class::a::b", "1pkg.Class", "pkg.Class:method",
        "pkg/Class::method", "")) {
      assertRefused(() -> validation.handler(JAVA, handler)).as(handler).hasMessageContaining("is not valid");
    }
  }

  @Test
  void provided_accepts_any_handler_without_white_space() {
    for (String handler : List.of("bootstrap", "function.handler", "anything/goes::here", "")) {
      assertThatCode(() -> validation.handler(PROVIDED, handler)).as(handler).doesNotThrowAnyException();
    }
  }

  @Test
  void provided_refuses_a_handler_with_white_space() {
    for (String handler : List.of("has space", "tab\there", " leading")) {
      assertRefused(() -> validation.handler(PROVIDED, handler)).hasMessageContaining("white space");
    }
  }

  @Test
  void a_handler_of_128_characters_is_accepted() {
    assertThatCode(() -> validation.handler(PROVIDED, "h".repeat(128))).doesNotThrowAnyException();
  }

  @Test
  void a_handler_longer_than_128_characters_is_refused_for_every_runtime() {
    String handler = "a".repeat(125) + ".run";
    assertThat(handler).hasSize(129);
    for (Runtime runtime : List.of(PYTHON, NODEJS, JAVA, PROVIDED)) {
      assertRefused(() -> validation.handler(runtime, handler)).hasMessageContaining("at most 128 characters");
    }
  }

  // --- runtime

  @Test
  void a_supported_runtime_id_is_found() {
    assertThat(validation.runtime("python3.12")).isEqualTo(PYTHON);
    assertThat(validation.runtime("provided.al2023")).isEqualTo(PROVIDED);
  }

  @Test
  void an_unknown_runtime_id_is_refused_listing_the_supported_ids_sorted() {
    assertRefused(() -> validation.runtime("ruby3.3"))
        .hasMessageContaining("Value ruby3.3 at 'runtime'")
        .hasMessageEndingWith("java17, nodejs20.x, provided.al2023, python3.12");
  }

  @Test
  void a_lambda_runtime_this_node_does_not_have_is_refused() {
    assertRefused(() -> validation.runtime("python3.11")).hasMessageContaining("python3.11");
  }

  // --- architectures

  @Test
  void the_nodes_own_architecture_is_accepted() {
    assertThat(validation.architectures(List.of("x86_64"))).containsExactly("x86_64");
    assertThat(new ConfigValidation(CATALOG, "arm64").architectures(List.of("arm64"))).containsExactly("arm64");
  }

  @Test
  void an_architecture_other_than_the_nodes_is_refused() {
    assertRefused(() -> validation.architectures(List.of("arm64")))
        .hasMessageContaining("arm64 cannot run on this node, which is x86_64");
  }

  @Test
  void no_architecture_is_refused() {
    assertRefused(() -> validation.architectures(List.of())).hasMessageContaining("exactly one of x86_64, arm64");
  }

  @Test
  void two_architectures_are_refused() {
    assertRefused(() -> validation.architectures(List.of("x86_64", "arm64")))
        .hasMessageContaining("exactly one of x86_64, arm64");
    assertRefused(() -> validation.architectures(List.of("x86_64", "x86_64")))
        .hasMessageContaining("exactly one");
  }

  @Test
  void an_unknown_architecture_name_is_refused() {
    for (String arch : List.of("amd64", "aarch64", "X86_64", "")) {
      assertRefused(() -> validation.architectures(List.of(arch))).hasMessageContaining("exactly one");
    }
  }

  @Test
  void the_jvm_architecture_names_map_to_lambda_names() {
    assertThat(ConfigValidation.architectureOf("aarch64")).isEqualTo("arm64");
    assertThat(ConfigValidation.architectureOf("arm64")).isEqualTo("arm64");
    assertThat(ConfigValidation.architectureOf("amd64")).isEqualTo("x86_64");
    assertThat(ConfigValidation.architectureOf("x86_64")).isEqualTo("x86_64");
  }

  // --- alias names

  @Test
  void an_alias_name_of_letters_digits_hyphens_and_underscores_is_accepted() {
    for (String name : List.of("prod", "v1", "1a", "blue-green_2", "A")) {
      assertThatCode(() -> ConfigValidation.aliasName(name)).as(name).doesNotThrowAnyException();
    }
  }

  @Test
  void an_alias_name_of_only_digits_is_refused() {
    for (String name : List.of("1", "0", "123", "007")) {
      assertRefused(() -> ConfigValidation.aliasName(name))
          .hasMessageContaining("Alias name '" + name + "' is not valid")
          .hasMessageContaining("not all digits");
    }
  }

  @Test
  void an_alias_name_of_128_characters_is_accepted() {
    assertThatCode(() -> ConfigValidation.aliasName("a".repeat(128))).doesNotThrowAnyException();
  }

  @Test
  void an_alias_name_of_129_characters_is_refused() {
    assertRefused(() -> ConfigValidation.aliasName("a".repeat(129))).hasMessageContaining("1 to 128");
  }

  @Test
  void an_empty_alias_name_or_one_with_other_characters_is_refused() {
    for (String name : List.of("", "$LATEST", "my.alias", "my alias", "prod:1")) {
      assertRefused(() -> ConfigValidation.aliasName(name)).hasMessageContaining("is not valid");
    }
  }
}
