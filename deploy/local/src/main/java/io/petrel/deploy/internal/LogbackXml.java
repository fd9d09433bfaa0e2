package io.petrel.deploy.internal;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Logback configuration that writes to standard output, which the launcher appends to the server's log file.
 * The date pattern avoids commas: Cassandra's Logback silently stops logging on {@code %d{HH:mm:ss,SSS}}.
 */
public final class LogbackXml {
  private LogbackXml() {}

  /** Root at INFO, plus {@code levels} (logger name to level). */
  public static String render(Map<String, String> levels) {
    String loggers = levels.entrySet().stream()
        .map(e -> "  <logger name=\"" + e.getKey() + "\" level=\"" + e.getValue() + "\"/>\n")
        .collect(Collectors.joining());
    return """
        <!-- Written by petrel-deploy on every start: edits are lost. -->
        <configuration>
          <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder>
              <pattern>%date{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern>
            </encoder>
          </appender>
        """ + loggers + """
          <root level="INFO">
            <appender-ref ref="STDOUT"/>
          </root>
        </configuration>
        """;
  }
}
