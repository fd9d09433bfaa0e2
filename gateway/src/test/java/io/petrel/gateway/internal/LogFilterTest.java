package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class LogFilterTest {

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String pattern) {
    return assertThatThrownBy(() -> LogFilter.parse(pattern))
        .isInstanceOfSatisfying(LambdaError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("InvalidParameterValueException");
        })
        .hasMessageContaining("at 'filter'");
  }

  // --- plain terms

  @Test
  void every_plain_term_must_appear() {
    LogFilter f = LogFilter.parse("ERROR timeout");
    assertThat(f.matches("ERROR: connect timeout after 3s")).isTrue();
    assertThat(f.matches("timeout ERROR")).isTrue();
    assertThat(f.matches("ERROR: refused")).isFalse();
    assertThat(f.matches("timeout")).isFalse();
  }

  @Test
  void terms_match_as_case_sensitive_substrings() {
    LogFilter f = LogFilter.parse("Error");
    assertThat(f.matches("ValueError: bad")).isTrue();
    assertThat(f.matches("error: bad")).isFalse();
    assertThat(f.matches("ERROR: bad")).isFalse();
  }

  @Test
  void runs_of_spaces_tabs_and_surrounding_blanks_separate_terms_like_one_space() {
    LogFilter f = LogFilter.parse("  a \t b  ");
    assertThat(f.required()).containsExactly("a", "b");
    assertThat(f.matches("b then a")).isTrue();
  }

  @Test
  void the_empty_or_blank_pattern_and_an_absent_one_match_every_line() {
    assertThat(LogFilter.parse("").matches("anything")).isTrue();
    assertThat(LogFilter.parse("   ").matchesAll()).isTrue();
    assertThat(LogFilter.parse(Optional.empty())).isSameAs(LogFilter.ALL);
    assertThat(LogFilter.ALL.matches("")).isTrue();
  }

  // --- quoted phrases

  @Test
  void a_quoted_phrase_is_one_term_that_must_appear_as_written() {
    LogFilter f = LogFilter.parse("\"Task timed out\"");
    assertThat(f.required()).containsExactly("Task timed out");
    assertThat(f.matches("2026 Task timed out after 3.00 seconds")).isTrue();
    assertThat(f.matches("Task out timed")).isFalse();
  }

  @Test
  void a_quoted_phrase_keeps_its_inner_spaces_and_prefix_characters() {
    LogFilter f = LogFilter.parse("\"  -x ?y \"");
    assertThat(f.required()).containsExactly("  -x ?y ");
    assertThat(f.excluded()).isEmpty();
    assertThat(f.anyOf()).isEmpty();
  }

  @Test
  void backslash_escapes_a_quote_or_a_backslash_inside_a_phrase_and_is_literal_elsewhere() {
    assertThat(LogFilter.parse("\"say \\\"hi\\\"\"").required()).containsExactly("say \"hi\"");
    assertThat(LogFilter.parse("\"a\\\\b\"").required()).containsExactly("a\\b");
    assertThat(LogFilter.parse("\"a\\nb\"").required()).containsExactly("a\\nb");
    assertThat(LogFilter.parse("C:\\temp").required()).containsExactly("C:\\temp");
  }

  @Test
  void quoted_and_plain_terms_combine() {
    LogFilter f = LogFilter.parse("\"RequestId: 42\" REPORT");
    assertThat(f.matches("REPORT RequestId: 42\tDuration: 1 ms")).isTrue();
    assertThat(f.matches("REPORT RequestId: 43\tDuration: 1 ms")).isFalse();
  }

  // --- exclusions

  @Test
  void a_term_prefixed_with_minus_must_not_appear() {
    LogFilter f = LogFilter.parse("-DEBUG");
    assertThat(f.matches("INFO started")).isTrue();
    assertThat(f.matches("DEBUG details")).isFalse();
  }

  @Test
  void exclusions_combine_with_required_terms_and_quoted_phrases() {
    LogFilter f = LogFilter.parse("RequestId -START -\"END RequestId\"");
    assertThat(f.matches("REPORT RequestId: 1")).isTrue();
    assertThat(f.matches("START RequestId: 1")).isFalse();
    assertThat(f.matches("END RequestId: 1")).isFalse();
  }

  @Test
  void a_minus_inside_a_term_is_literal() {
    LogFilter f = LogFilter.parse("x-ray --verbose");
    assertThat(f.required()).containsExactly("x-ray");
    assertThat(f.excluded()).containsExactly("-verbose");
    assertThat(f.matches("x-ray on")).isTrue();
    assertThat(f.matches("x-ray --verbose")).isFalse();
  }

  // --- optional groups

  @Test
  void question_mark_terms_form_a_group_of_which_at_least_one_must_appear() {
    LogFilter f = LogFilter.parse("?ERROR ?WARN");
    assertThat(f.matches("ERROR disk")).isTrue();
    assertThat(f.matches("WARN disk")).isTrue();
    assertThat(f.matches("INFO disk")).isFalse();
  }

  @Test
  void the_optional_group_combines_with_required_and_excluded_terms() {
    LogFilter f = LogFilter.parse("disk ?ERROR ?\"out of space\" -ignored");
    assertThat(f.anyOf()).containsExactly("ERROR", "out of space");
    assertThat(f.matches("disk ERROR")).isTrue();
    assertThat(f.matches("disk is out of space")).isTrue();
    assertThat(f.matches("ERROR out of space")).isFalse();
    assertThat(f.matches("disk ERROR ignored")).isFalse();
    assertThat(f.matches("disk fine")).isFalse();
  }

  @Test
  void the_prefix_is_read_once_so_a_second_one_is_part_of_the_term() {
    assertThat(LogFilter.parse("?-x").anyOf()).containsExactly("-x");
    assertThat(LogFilter.parse("-?x").excluded()).containsExactly("?x");
  }

  @Test
  void the_pattern_is_kept_as_given_for_display() {
    assertThat(LogFilter.parse("a ?b").toString()).isEqualTo("a ?b");
  }

  // --- malformed patterns

  @Test
  void an_unclosed_quote_is_refused_with_its_position() {
    assertRefused("ok \"never closed").hasMessageContaining("the quote at position 4 is not closed");
  }

  @Test
  void a_quote_ending_in_an_escaped_quote_is_still_unclosed() {
    assertRefused("\"abc\\\"").hasMessageContaining("not closed");
  }

  @Test
  void an_empty_quoted_phrase_is_refused() {
    assertRefused("a \"\"").hasMessageContaining("is empty");
    assertRefused("-\"\"").hasMessageContaining("is empty");
  }

  @Test
  void text_glued_to_a_closing_quote_is_refused() {
    assertRefused("\"a b\"c").hasMessageContaining("closing quote must be followed by a space");
  }

  @Test
  void a_quote_inside_a_plain_term_is_refused() {
    assertRefused("say\"hi\"").hasMessageContaining("a quote at position 4 inside a term");
  }

  @Test
  void a_lone_prefix_is_refused() {
    assertRefused("a -").hasMessageContaining("'-' at position 3 must be followed by a term");
    assertRefused("? b").hasMessageContaining("'?' at position 1 must be followed by a term");
  }

  @Test
  void json_and_space_delimited_patterns_are_refused_rather_than_misread() {
    assertRefused("{ $.level = \"ERROR\" }").hasMessageContaining("JSON and space-delimited patterns");
    assertRefused("[ip, user, status]").hasMessageContaining("JSON and space-delimited patterns");
  }

  @Test
  void quoted_braces_are_searched_literally() {
    LogFilter f = LogFilter.parse("\"{\\\"level\\\": \\\"ERROR\\\"}\"");
    assertThat(f.matches("got {\"level\": \"ERROR\"} from app")).isTrue();
  }

  @Test
  void a_pattern_longer_than_1024_characters_is_refused() {
    assertThat(LogFilter.parse("a".repeat(1024)).required()).hasSize(1);
    assertRefused("a".repeat(1025)).hasMessageContaining("longer than 1024");
  }
}
