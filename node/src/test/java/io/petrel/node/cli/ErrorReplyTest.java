package io.petrel.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErrorReplyTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void a_lambda_error_is_its_type_from_the_header_and_its_message() {
    assertThat(ErrorReply.describe(404, Optional.of("ResourceNotFoundException"),
        b("{\"Type\":\"User\",\"Message\":\"Function not found: f\",\"message\":\"Function not found: f\"}")))
        .isEqualTo("ResourceNotFoundException: Function not found: f");
    assertThat(ErrorReply.describe(400, Optional.of("InvalidParameterValueException:http://internal.amazon.com/x"),
        b("{\"message\":\"MemorySize 64 is below 128\"}")))
        .isEqualTo("InvalidParameterValueException: MemorySize 64 is below 128");
  }

  @Test
  void a_throttle_names_its_reason() {
    assertThat(ErrorReply.describe(429, Optional.of("TooManyRequestsException"),
        b("{\"Message\":\"Rate exceeded\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}")))
        .isEqualTo("TooManyRequestsException (ReservedFunctionConcurrentInvocationLimitExceeded): Rate exceeded");
  }

  @Test
  void without_the_header_the_body_type_or_else_the_status_names_the_error() {
    assertThat(ErrorReply.describe(400, Optional.empty(), b("{\"__type\":\"com.amazon#ServiceException\","
        + "\"message\":\"boom\"}"))).isEqualTo("ServiceException: boom");
    assertThat(ErrorReply.describe(502, Optional.empty(), b("<html>\n<b>Bad   gateway</b>\n</html>")))
        .isEqualTo("HTTP 502: <html> <b>Bad gateway</b> </html>");
    assertThat(ErrorReply.describe(500, Optional.empty(), new byte[0])).isEqualTo("HTTP 500");
  }

  @Test
  void a_function_error_is_the_header_then_the_functions_error_type_and_message_on_one_line() {
    assertThat(ErrorReply.functionError("Unhandled", b("{\"errorMessage\":\"asked\\nto fail\","
        + "\"errorType\":\"ValueError\",\"stackTrace\":[\"a\"]}"))).isEqualTo("Unhandled ValueError: asked to fail");
    assertThat(ErrorReply.functionError("Unhandled", b("not json"))).isEqualTo("Unhandled not json");
  }

  @Test
  void very_long_messages_are_cut() {
    assertThat(ErrorReply.oneLine("x".repeat(1000))).hasSize(300).endsWith("…");
  }
}
