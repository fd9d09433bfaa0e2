package io.petrel.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTailTest {

  @Test
  void readsInitDurationOfAColdStart() {
    String tail = "START RequestId: r Version: $LATEST\nEND RequestId: r\n"
        + "REPORT RequestId: r\tDuration: 7.49 ms\tBilled Duration: 8 ms\tMemory Size: 128 MB\t"
        + "Max Memory Used: 21 MB\tInit Duration: 125.85 ms\n";
    assertThat(LogTail.initDurationMicros(tail)).contains(125_850L);
  }

  @Test
  void warmCallHasNone() {
    String tail = "REPORT RequestId: r\tDuration: 7.49 ms\tBilled Duration: 8 ms\tMemory Size: 128 MB\n";
    assertThat(LogTail.initDurationMicros(tail)).isEmpty();
  }

  @Test
  void ignoresTheTextInFunctionOutput() {
    String tail = "printed Init Duration: 5 ms by the function\nREPORT RequestId: r\tDuration: 1 ms\n";
    assertThat(LogTail.initDurationMicros(tail)).isEmpty();
  }
}
