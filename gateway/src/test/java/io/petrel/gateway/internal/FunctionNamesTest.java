package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.gateway.internal.FunctionNames.Parsed;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class FunctionNamesTest {

  private static final String REGION = "us-east-1";
  private static final String ACCOUNT = "123456789012";
  private static final String ARN_PREFIX = "arn:aws:lambda:us-east-1:123456789012:function:";

  private final FunctionNames names = new FunctionNames(REGION, ACCOUNT);

  private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalidParameter(Runnable call) {
    return assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(LambdaError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("InvalidParameterValueException");
        });
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertNotFound(Runnable call) {
    return assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(LambdaError.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.type()).isEqualTo("ResourceNotFoundException");
        });
  }

  // --- plain names and name:qualifier

  @Test
  void a_plain_name_parses_to_itself_without_a_qualifier() {
    assertThat(names.parse("my-function_1")).isEqualTo(new Parsed("my-function_1", Optional.empty()));
  }

  @Test
  void a_name_of_64_characters_is_accepted() {
    String name = "a".repeat(64);
    assertThat(names.parse(name).name()).isEqualTo(name);
  }

  @Test
  void a_name_of_65_characters_is_refused() {
    assertInvalidParameter(() -> names.parse("a".repeat(65))).hasMessageContaining("is not valid");
  }

  @Test
  void a_name_with_an_alias_qualifier_splits_into_name_and_qualifier() {
    assertThat(names.parse("my-function:prod")).isEqualTo(new Parsed("my-function", Optional.of("prod")));
  }

  @Test
  void a_name_with_a_version_qualifier_splits_into_name_and_version() {
    assertThat(names.parse("my-function:7")).isEqualTo(new Parsed("my-function", Optional.of("7")));
  }

  @Test
  void a_name_with_the_latest_qualifier_keeps_the_dollar_sign() {
    assertThat(names.parse("my-function:$LATEST")).isEqualTo(new Parsed("my-function", Optional.of("$LATEST")));
  }

  @Test
  void a_qualifier_with_invalid_characters_is_refused() {
    assertInvalidParameter(() -> names.parse("my-function:pro.d")).hasMessageContaining("Qualifier 'pro.d'");
  }

  @Test
  void an_empty_qualifier_after_the_colon_is_refused() {
    assertInvalidParameter(() -> names.parse("my-function:")).hasMessageContaining("Qualifier");
  }

  @Test
  void a_second_colon_in_a_plain_name_makes_the_qualifier_invalid() {
    assertInvalidParameter(() -> names.parse("my-function:a:b")).hasMessageContaining("Qualifier 'a:b'");
  }

  // --- ARNs

  @Test
  void a_full_arn_without_qualifier_parses_to_the_bare_name() {
    assertThat(names.parse(ARN_PREFIX + "my-function")).isEqualTo(new Parsed("my-function", Optional.empty()));
  }

  @Test
  void a_full_arn_with_qualifier_parses_to_name_and_qualifier() {
    assertThat(names.parse(ARN_PREFIX + "my-function:prod"))
        .isEqualTo(new Parsed("my-function", Optional.of("prod")));
  }

  @Test
  void a_full_arn_with_the_latest_qualifier_parses() {
    assertThat(names.parse(ARN_PREFIX + "my-function:$LATEST"))
        .isEqualTo(new Parsed("my-function", Optional.of("$LATEST")));
  }

  @Test
  void a_partial_arn_without_qualifier_parses_to_the_bare_name() {
    assertThat(names.parse("123456789012:function:my-function"))
        .isEqualTo(new Parsed("my-function", Optional.empty()));
  }

  @Test
  void a_partial_arn_with_qualifier_parses_to_name_and_qualifier() {
    assertThat(names.parse("123456789012:function:my-function:3"))
        .isEqualTo(new Parsed("my-function", Optional.of("3")));
  }

  @Test
  void a_full_arn_of_another_region_is_not_found() {
    assertNotFound(() -> names.parse("arn:aws:lambda:eu-west-1:123456789012:function:my-function"))
        .hasMessageContaining("Function not found")
        .hasMessageContaining(REGION);
  }

  @Test
  void a_full_arn_of_another_account_is_not_found() {
    assertNotFound(() -> names.parse("arn:aws:lambda:us-east-1:210987654321:function:my-function:prod"))
        .hasMessageContaining("Function not found")
        .hasMessageContaining(ACCOUNT);
  }

  @Test
  void a_partial_arn_of_another_account_is_not_found() {
    assertNotFound(() -> names.parse("210987654321:function:my-function"))
        .hasMessageContaining("Function not found");
  }

  @Test
  void a_full_arn_naming_an_invalid_function_name_is_refused() {
    assertInvalidParameter(() -> names.parse(ARN_PREFIX + "my.function")).hasMessageContaining("is not valid");
  }

  @Test
  void a_full_arn_of_exactly_140_characters_is_accepted() {
    String name = "n".repeat(64);
    String qualifier = "q".repeat(140 - ARN_PREFIX.length() - name.length() - 1);
    String arn = ARN_PREFIX + name + ":" + qualifier;
    assertThat(arn).hasSize(140);

    assertThat(names.parse(arn)).isEqualTo(new Parsed(name, Optional.of(qualifier)));
  }

  // --- length, characters, empty

  @Test
  void a_function_name_longer_than_140_characters_is_refused() {
    String name = "n".repeat(64);
    String qualifier = "q".repeat(141 - ARN_PREFIX.length() - name.length() - 1);
    String arn = ARN_PREFIX + name + ":" + qualifier;
    assertThat(arn).hasSize(141);

    assertInvalidParameter(() -> names.parse(arn)).hasMessageContaining("longer than 140 characters");
  }

  @Test
  void a_very_long_function_name_is_abbreviated_in_the_message() {
    String given = "x".repeat(500);
    assertInvalidParameter(() -> names.parse(given))
        .hasMessageContaining("x".repeat(80) + "...")
        .hasMessageNotContaining("x".repeat(81));
  }

  @Test
  void a_name_with_a_dot_is_refused() {
    assertInvalidParameter(() -> names.parse("my.function")).hasMessageContaining("FunctionName 'my.function'");
  }

  @Test
  void a_name_with_white_space_is_refused() {
    assertInvalidParameter(() -> names.parse("my function")).hasMessageContaining("is not valid");
  }

  @Test
  void a_name_with_a_slash_is_refused() {
    assertInvalidParameter(() -> names.parse("account/my-function")).hasMessageContaining("is not valid");
  }

  @Test
  void an_empty_name_is_refused() {
    assertInvalidParameter(() -> names.parse("")).hasMessage("FunctionName is required");
  }

  @Test
  void a_missing_name_is_refused() {
    assertInvalidParameter(() -> names.parse(null)).hasMessage("FunctionName is required");
  }

  @Test
  void a_name_that_is_only_a_qualifier_is_refused() {
    assertInvalidParameter(() -> names.parse(":prod")).hasMessageContaining("is not valid");
  }

  // --- qualifier merging

  @Test
  void the_qualifier_from_the_name_is_used_when_no_parameter_is_given() {
    assertThat(names.qualifier(names.parse("fn:prod"), Optional.empty())).contains("prod");
  }

  @Test
  void the_qualifier_parameter_is_used_when_the_name_has_none() {
    assertThat(names.qualifier(names.parse("fn"), Optional.of("5"))).contains("5");
  }

  @Test
  void no_qualifier_anywhere_gives_none() {
    assertThat(names.qualifier(names.parse("fn"), Optional.empty())).isEmpty();
  }

  @Test
  void the_same_qualifier_in_name_and_parameter_is_accepted() {
    assertThat(names.qualifier(names.parse(ARN_PREFIX + "fn:prod"), Optional.of("prod"))).contains("prod");
  }

  @Test
  void different_qualifiers_in_name_and_parameter_are_refused() {
    Parsed parsed = names.parse("fn:prod");
    assertInvalidParameter(() -> names.qualifier(parsed, Optional.of("staging")))
        .hasMessageContaining("does not match");
  }

  @Test
  void an_invalid_qualifier_parameter_is_refused() {
    Parsed parsed = names.parse("fn");
    assertInvalidParameter(() -> names.qualifier(parsed, Optional.of("not valid")))
        .hasMessageContaining("Qualifier 'not valid' is not valid");
  }

  @Test
  void a_qualifier_parameter_of_129_characters_is_refused() {
    Parsed parsed = names.parse("fn");
    assertInvalidParameter(() -> names.qualifier(parsed, Optional.of("a".repeat(129))))
        .hasMessageContaining("is not valid");
  }

  @Test
  void a_qualifier_parameter_of_128_characters_is_accepted() {
    String qualifier = "a".repeat(128);
    assertThat(names.qualifier(names.parse("fn"), Optional.of(qualifier))).contains(qualifier);
  }

  // --- parseUnqualified

  @Test
  void an_unqualified_name_is_returned_bare() {
    assertThat(names.parseUnqualified("my-function")).isEqualTo("my-function");
  }

  @Test
  void an_unqualified_full_arn_is_returned_as_the_bare_name() {
    assertThat(names.parseUnqualified(ARN_PREFIX + "my-function")).isEqualTo("my-function");
  }

  @Test
  void parse_unqualified_refuses_a_name_with_a_qualifier() {
    assertInvalidParameter(() -> names.parseUnqualified("my-function:prod"))
        .hasMessageContaining("must not include a qualifier");
  }

  @Test
  void parse_unqualified_refuses_an_arn_with_a_qualifier() {
    assertInvalidParameter(() -> names.parseUnqualified(ARN_PREFIX + "my-function:1"))
        .hasMessageContaining("must not include a qualifier");
  }

  @Test
  void parse_unqualified_still_answers_not_found_for_a_foreign_arn() {
    assertNotFound(() -> names.parseUnqualified("arn:aws:lambda:eu-west-1:123456789012:function:fn"));
  }

  // --- arn()

  @Test
  void arn_formats_the_unqualified_function_arn_of_this_region_and_account() {
    assertThat(names.arn("my-function")).isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:my-function");
  }

  @Test
  void arn_with_a_qualifier_appends_it_after_a_colon() {
    assertThat(names.arn("my-function", "prod"))
        .isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:my-function:prod");
  }

  @Test
  void a_formatted_arn_parses_back_to_name_and_qualifier() {
    assertThat(names.parse(names.arn("my-function", "$LATEST")))
        .isEqualTo(new Parsed("my-function", Optional.of("$LATEST")));
    assertThat(names.parse(names.arn("my-function"))).isEqualTo(new Parsed("my-function", Optional.empty()));
  }
}
