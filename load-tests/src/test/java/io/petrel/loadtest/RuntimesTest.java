package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimesTest {
  private static final List<String> SUPPORTED =
      List.of("java17", "nodejs18.x", "nodejs20.x", "provided", "python3.9", "python3.11");

  @Test
  void familiesPickTheNewestVersion() {
    assertThat(Runtimes.resolve(List.of("python", "nodejs"), SUPPORTED)).containsExactly("python3.11", "nodejs20.x");
  }

  @Test
  void exactIdsAreKept() {
    assertThat(Runtimes.resolve(List.of("python3.9", "python"), SUPPORTED)).containsExactly("python3.9", "python3.11");
  }

  @Test
  void unsupportedRuntimesNameWhatIsSupported() {
    assertThatThrownBy(() -> Runtimes.resolve(List.of("ruby"), SUPPORTED))
        .hasMessageContaining("runtime 'ruby'").hasMessageContaining("python3.11");
    assertThatThrownBy(() -> Runtimes.resolve(List.of("java17"), SUPPORTED)).hasMessageContaining("java17");
    assertThatThrownBy(() -> Runtimes.resolve(List.of("python"), List.of("nodejs20.x")))
        .hasMessageContaining("runtime 'python'");
  }
}
