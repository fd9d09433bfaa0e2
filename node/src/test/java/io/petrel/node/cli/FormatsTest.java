package io.petrel.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatsTest {
  private static JsonNode json(String text) throws Exception {
    return GatewayClient.JSON.readTree(text);
  }

  @Test
  void sizes_read_in_decimal_units() {
    assertThat(Formats.bytes(312)).isEqualTo("312 B");
    assertThat(Formats.bytes(1_500)).isEqualTo("1.5 kB");
    assertThat(Formats.bytes(3_400_000)).isEqualTo("3.4 MB");
    assertThat(Formats.progress("uploading hello", 500, 2_000)).isEqualTo("uploading hello: 500 B / 2.0 kB (25%)");
  }

  @Test
  void dollars_show_cents_and_small_amounts_are_not_rounded_to_zero() {
    assertThat(Formats.usd(BigDecimal.ZERO)).isEqualTo("0.00");
    assertThat(Formats.usd(new BigDecimal("12.5"))).isEqualTo("12.50");
    assertThat(Formats.usd(new BigDecimal("0.000208"))).isEqualTo("0.000208");
    assertThat(Formats.usd(new BigDecimal("4.479E-7"))).isEqualTo("0.0000004479");
    assertThat(Formats.decimal(12.5)).isEqualTo("12.5");
    assertThat(Formats.decimal(3.0)).isEqualTo("3");
    assertThat(Formats.decimal(0.000125)).isEqualTo("0.000125");
  }

  @Test
  void a_log_line_is_timestamp_request_id_and_message_without_its_newline() throws Exception {
    assertThat(Formats.logLine(json("{\"Timestamp\":\"2026-11-23T16:05:00.123Z\",\"RequestId\":\"r1\","
        + "\"Message\":\"hello\\n\"}"))).isEqualTo("2026-11-23T16:05:00.123Z r1 hello");
    assertThat(Formats.logLine(json("{\"Timestamp\":\"2026-11-23T16:05:00.123Z\",\"Message\":\"boot\"}")))
        .isEqualTo("2026-11-23T16:05:00.123Z - boot");
  }

  @Test
  void functions_table_has_name_runtime_memory_and_last_modified() throws Exception {
    String table = Formats.functions(List.of(
        json("{\"FunctionName\":\"hello\",\"Runtime\":\"python3.11\",\"MemorySize\":128,"
            + "\"LastModified\":\"2026-11-23T16:05:00.000+0000\"}"),
        json("{\"FunctionName\":\"resize-images\",\"Runtime\":\"nodejs20.x\",\"MemorySize\":1024,"
            + "\"LastModified\":\"2026-11-22T10:00:00.000+0000\"}")));
    assertThat(table).isEqualTo("""
        NAME           RUNTIME      MEMORY  LAST MODIFIED
        hello          python3.11   128 MB  2026-11-23T16:05:00.000+0000
        resize-images  nodejs20.x  1024 MB  2026-11-22T10:00:00.000+0000
        """);
  }

  @Test
  void invocations_table_shows_alias_memory_cold_start_and_error() throws Exception {
    String table = Formats.invocations(json("""
        {"Invocations":[
          {"RequestId":"r1","FunctionName":"f","Qualifier":"live","ExecutedVersion":"2",
           "StartTime":"2026-11-23T16:05:00.123Z","DurationMs":11.81,"BilledDurationMs":12,"MemorySizeMB":128,
           "MaxMemoryUsedMB":11,"InitDurationMs":149.8,"Outcome":"Success"},
          {"RequestId":"r2","FunctionName":"f","Qualifier":"$LATEST","ExecutedVersion":"$LATEST",
           "StartTime":"2026-11-23T16:06:00.000Z","DurationMs":3000,"BilledDurationMs":3000,"MemorySizeMB":128,
           "MaxMemoryUsedMB":20,"Outcome":"Timeout","ErrorType":"Sandbox.Timedout"}]}
        """));
    assertThat(table).isEqualTo("""
        START                     REQUEST ID  VERSION   OUTCOME  DURATION   BILLED     MEMORY      INIT  ERROR
        2026-11-23T16:05:00.123Z  r1          2 (live)  Success  11.81 ms    12 ms  11/128 MB  149.8 ms
        2026-11-23T16:06:00.000Z  r2          $LATEST   Timeout   3000 ms  3000 ms  20/128 MB         -  Sandbox.Timedout
        """);
  }

  @Test
  void usage_report_shows_functions_totals_free_tier_and_cost() throws Exception {
    String report = Formats.usage(json("""
        {"Account":"000000000000","From":"2026-11-01","To":"2026-11-30",
         "Functions":[{"FunctionName":"f","Requests":100,"GbSeconds":12.5,"Cost":0.000208}],
         "Total":{"Requests":100,"GbSeconds":12.5,"FreeTierRequests":100,"FreeTierGbSeconds":12.5,
          "BillableRequests":0,"BillableGbSeconds":0.0,"RequestCost":0.0,"ComputeCost":0.0,"Cost":0.0}}
        """));
    assertThat(report).isEqualTo("""
        Usage of account 000000000000 from 2026-11-01 to 2026-11-30 (UTC)

        FUNCTION  REQUESTS  GB-SECONDS  COST (USD)
        f              100        12.5    0.000208

                   REQUESTS  GB-SECONDS
        Total           100        12.5
        Free tier       100        12.5
        Billable          0           0
        Cost (USD): requests 0.00 + compute 0.00 = 0.00
        (per-function cost at list price; the free tier comes off the total)
        """);
  }

  @Test
  void an_empty_month_says_so() throws Exception {
    assertThat(Formats.usage(json("{\"Account\":\"1\",\"From\":\"a\",\"To\":\"b\",\"Functions\":[],\"Total\":{}}")))
        .contains("No invocations in this period.", "Cost (USD): requests 0.00 + compute 0.00 = 0.00")
        .doesNotContain("per-function");
  }

  @Test
  void the_deploy_line_names_function_version_alias_size_and_sha() throws Exception {
    JsonNode c = json("{\"FunctionName\":\"hello\",\"Version\":\"3\",\"CodeSize\":1234,\"CodeSha256\":\"q1w2=\"}");
    assertThat(Formats.deployed(false, c, "live")).isEqualTo("updated hello: version 3, alias live, code 1.2 kB,"
        + " sha256 q1w2=");
    assertThat(Formats.deployed(true, c, null)).isEqualTo("created hello: version 3, code 1.2 kB, sha256 q1w2=");
  }

  @Test
  void tables_align_numbers_right_and_leave_no_trailing_spaces() {
    assertThat(Table.of("A", "N>", "Z").row("xx", "1", "").row("y", "100", "z").render())
        .isEqualTo("A     N  Z\nxx    1\ny   100  z\n");
  }
}
