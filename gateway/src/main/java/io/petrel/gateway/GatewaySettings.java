package io.petrel.gateway;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed {@code petrel.gateway} settings (see reference.conf): where the gateway listens, the region and account
 * it answers as, its request limits, the prices usage reports are billed at, the domain function URLs are
 * served under, and the shortest rate a scheduled rule may have ({@code petrel.schedules.minimum-interval}).
 */
public record GatewaySettings(
    String host,
    int port,
    String region,
    String account,
    long maxControlPlaneRequestBytes,
    long maxCodeRequestBytes,
    Duration requestTimeout,
    int accountConcurrency,
    int minimumUnreservedConcurrency,
    long maxInvokePayloadBytes,
    long maxEventPayloadBytes,
    Duration invokeTimeout,
    Prices prices,
    String urlDomain,
    Duration scheduleMinimumInterval) {

  public static GatewaySettings from(Config root) {
    Config c = root.getConfig("petrel.gateway");
    return new GatewaySettings(
        c.getString("host"),
        c.getInt("port"),
        c.getString("region"),
        c.getString("account"),
        c.getBytes("max-control-plane-request-size"),
        c.getBytes("max-code-request-size"),
        c.getDuration("request-timeout"),
        c.getInt("account-concurrency"),
        c.getInt("minimum-unreserved-concurrency"),
        c.getBytes("max-invoke-payload-size"),
        c.getBytes("max-event-payload-size"),
        c.getDuration("invoke-timeout"),
        Prices.from(c),
        c.getString("function-url-domain"),
        root.getDuration("petrel.schedules.minimum-interval"));
  }

  /** The same settings answering as {@code newAccount}: the account of the caller a request acts for. */
  public GatewaySettings withAccount(String newAccount) {
    return new GatewaySettings(host, port, region, newAccount, maxControlPlaneRequestBytes, maxCodeRequestBytes,
        requestTimeout, accountConcurrency, minimumUnreservedConcurrency, maxInvokePayloadBytes, maxEventPayloadBytes,
        invokeTimeout, prices, urlDomain, scheduleMinimumInterval);
  }

  public GatewaySettings withPort(int newPort) {
    return new GatewaySettings(host, newPort, region, account, maxControlPlaneRequestBytes, maxCodeRequestBytes,
        requestTimeout, accountConcurrency, minimumUnreservedConcurrency, maxInvokePayloadBytes, maxEventPayloadBytes,
        invokeTimeout, prices, urlDomain, scheduleMinimumInterval);
  }
}
