package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.loadtest.InvocationWorkload.Invocation;
import io.petrel.persistence.FunctionId;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InvocationWorkloadTest {
  private final List<FunctionId> functions = InvocationWorkload.functions(20);

  @Test
  void spreads_the_records_evenly_over_the_functions() {
    List<Invocation> invocations = InvocationWorkload.generate(functions, 1000, 3, Instant.now(), 1);
    Map<FunctionId, Long> perFunction = invocations.stream()
        .collect(Collectors.groupingBy(i -> i.record().function(), Collectors.counting()));
    assertThat(perFunction).hasSize(20).allSatisfy((f, n) -> assertThat(n).isEqualTo(50));
    assertThat(invocations).extracting(i -> i.record().requestId()).doesNotHaveDuplicates();
  }

  @Test
  void starts_and_logs_today_and_not_after_now_even_just_after_midnight() {
    for (Instant now : List.of(Instant.parse("2026-03-04T00:00:00.200Z"), Instant.parse("2026-03-04T23:59:59.999Z"),
        Instant.parse("2026-03-04T12:00:00Z"))) {
      LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
      for (Invocation i : InvocationWorkload.generate(functions, 2000, 5, now, 2)) {
        assertThat(LocalDate.ofInstant(i.record().start(), ZoneOffset.UTC)).isEqualTo(today);
        assertThat(i.lines()).allSatisfy(l -> assertThat(LocalDate.ofInstant(l.timestamp(), ZoneOffset.UTC))
            .isEqualTo(today));
      }
    }
  }

  @Test
  void writes_start_end_and_report_lines_as_lambda_does() {
    Invocation i = InvocationWorkload.generate(functions, 1, 3, Instant.now(), 3).get(0);
    String id = i.record().requestId();
    assertThat(i.lines()).extracting(l -> l.message().split(" ")[0]).containsExactly("START", "END", "REPORT");
    assertThat(i.lines()).allSatisfy(l -> assertThat(l.requestId()).isEqualTo(id));
    assertThat(i.lines().get(2).message()).contains("Billed Duration: " + i.record().billedDurationMs() + " ms");
    assertThat(InvocationWorkload.generate(functions, 1, 5, Instant.now(), 3).get(0).lines()).hasSize(5);
    assertThat(InvocationWorkload.generate(functions, 1, 1, Instant.now(), 3).get(0).lines()).hasSize(1);
  }

  @Test
  void outcomes_are_mostly_successes_with_error_types_only_on_failures() {
    List<Invocation> invocations = InvocationWorkload.generate(functions, 10_000, 3, Instant.now(), 4);
    Map<String, Long> byOutcome = invocations.stream()
        .collect(Collectors.groupingBy(i -> i.record().outcome(), Collectors.counting()));
    assertThat(byOutcome.get("Success")).isBetween(9_500L, 9_900L);
    assertThat(byOutcome).containsKeys("FunctionError", "Timeout");
    assertThat(invocations).allSatisfy(i -> assertThat(i.record().errorType().isPresent())
        .isEqualTo(!i.record().outcome().equals("Success")));
    assertThat(invocations.stream().map(i -> i.record().memorySizeMb()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(128, 256, 512, 1024, 2048);
    assertThat(invocations.stream().collect(Collectors.groupingBy(i -> i.record().initDurationMs().isPresent(),
        Collectors.counting())).get(true)).isBetween(100L, 300L);
    assertThat(invocations.stream().map(Invocation::record).map(r -> r.billedDurationMs() >= r.durationMs())
        .collect(Collectors.toMap(Function.identity(), b -> 1, Integer::sum))).containsOnlyKeys(true);
  }
}
