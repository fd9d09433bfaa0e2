package io.petrel.deploy.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * For {@code @ExtendWith(CassandraExtension.class)}: resolves parameters of type {@link TestCassandra} (the node
 * shared by the JVM, started on first use) and {@code @Keyspace String} parameters (a keyspace name unique to
 * the test class), in constructors, lifecycle methods and tests.
 *
 * <pre>{@code
 * @ExtendWith(CassandraExtension.class)
 * class CassandraStoreIT {
 *   @BeforeAll
 *   static void createSchema(TestCassandra cassandra, @Keyspace String keyspace) { ... }
 * }
 * }</pre>
 */
public final class CassandraExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace KEYSPACES =
      ExtensionContext.Namespace.create(CassandraExtension.class, "keyspaces");

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestCassandra.class || (type == String.class && parameter.isAnnotated(Keyspace.class));
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestCassandra cassandra = TestCassandra.shared();
    if (parameter.getParameter().getType() == TestCassandra.class) {
      return cassandra;
    }
    return context.getRoot().getStore(KEYSPACES).getOrComputeIfAbsent(
        context.getRequiredTestClass(), testClass -> cassandra.newKeyspaceName(testClass.getSimpleName()),
        String.class);
  }
}
