package io.petrel.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.petrel.persistence.DailyUsage;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code GET /petrel/v1/usage}: an account's requests, GB-seconds and cost for one calendar month (UTC), per
 * function and per day, from the stored invocation records. Per-function costs are at list price; the
 * month's free tier is taken off the account's total.
 */
public final class UsageApi {
  private final ApiContext ctx;

  public UsageApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  public CompletionStage<ApiReply> usage(Optional<String> monthParam, Optional<String> function) {
    YearMonth month = monthParam.map(UsageApi::parseMonth).orElseGet(() -> YearMonth.now(ZoneOffset.UTC));
    LocalDate from = month.atDay(1);
    LocalDate to = month.atEndOfMonth();
    String account = ctx.settings.account();
    return ctx.store.usage(account, from, to).thenApply(days -> {
      ObjectNode reply = Json.object()
          .put("Account", account)
          .put("Month", month.toString())
          .put("From", from.toString())
          .put("To", to.toString());
      Map<String, List<DailyUsage>> byFunction = days.stream()
          .filter(d -> function.map(d.function().name()::equals).orElse(true))
          .collect(Collectors.groupingBy(d -> d.function().name(), TreeMap::new, Collectors.toList()));
      ArrayNode functions = reply.putArray("Functions");
      byFunction.forEach((name, usage) -> {
        long requests = usage.stream().mapToLong(DailyUsage::requests).sum();
        long mbMs = usage.stream().mapToLong(DailyUsage::billedMbMs).sum();
        ObjectNode f = functions.addObject()
            .put("FunctionName", name)
            .put("Requests", requests)
            .put("GbSeconds", Billing.gbSeconds(mbMs))
            .put("Cost", Billing.shown(Billing.listCost(requests, mbMs, ctx.settings.prices())));
        ArrayNode perDay = f.putArray("Days");
        usage.forEach(d -> perDay.addObject()
            .put("Date", d.day().toString())
            .put("Requests", d.requests())
            .put("GbSeconds", Billing.gbSeconds(d.billedMbMs())));
      });
      long requests = days.stream().mapToLong(DailyUsage::requests).sum();
      long mbMs = days.stream().mapToLong(DailyUsage::billedMbMs).sum();
      Billing.Bill bill = Billing.month(requests, mbMs, ctx.settings.prices());
      reply.putObject("Total")
          .put("Requests", bill.requests())
          .put("GbSeconds", bill.gbSeconds())
          .put("FreeTierRequests", bill.freeRequests())
          .put("FreeTierGbSeconds", bill.freeGbSeconds())
          .put("BillableRequests", bill.billableRequests())
          .put("BillableGbSeconds", bill.billableGbSeconds())
          .put("RequestCost", Billing.shown(bill.requestCost()))
          .put("ComputeCost", Billing.shown(bill.computeCost()))
          .put("Cost", Billing.shown(bill.cost()));
      reply.putObject("Prices")
          .put("PerMillionRequests", ctx.settings.prices().perMillionRequests())
          .put("PerGbSecond", ctx.settings.prices().perGbSecond())
          .put("FreeRequestsPerMonth", ctx.settings.prices().freeRequestsPerMonth())
          .put("FreeGbSecondsPerMonth", ctx.settings.prices().freeGbSecondsPerMonth());
      return ApiReply.json(200, reply);
    });
  }

  private static YearMonth parseMonth(String value) {
    try {
      return YearMonth.parse(value);
    } catch (DateTimeParseException e) {
      throw LambdaError.invalidParameter("month '" + value + "' is not valid: expected YYYY-MM, e.g. 2026-11");
    }
  }
}
