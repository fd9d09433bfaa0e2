package io.petrel.deploy.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * For {@code @ExtendWith(KafkaExtension.class)}: resolves parameters of type {@link TestKafka} (the node shared
 * by the JVM, started on first use) and {@code @TopicPrefix String} parameters (a topic-name prefix unique to
 * the test class), in constructors, lifecycle methods and tests.
 */
public final class KafkaExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace PREFIXES =
      ExtensionContext.Namespace.create(KafkaExtension.class, "topic-prefixes");

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestKafka.class || (type == String.class && parameter.isAnnotated(TopicPrefix.class));
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestKafka kafka = TestKafka.shared();
    if (parameter.getParameter().getType() == TestKafka.class) {
      return kafka;
    }
    return context.getRoot().getStore(PREFIXES).getOrComputeIfAbsent(
        context.getRequiredTestClass(), testClass -> kafka.newTopicPrefix(testClass.getSimpleName()),
        String.class);
  }
}
