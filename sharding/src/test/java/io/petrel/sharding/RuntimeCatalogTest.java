package io.petrel.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import io.petrel.sharding.RuntimeCatalog.Family;
import io.petrel.sharding.RuntimeCatalog.Runtime;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeCatalogTest {

  private static final String THIS_JAVA = "java" + java.lang.Runtime.version().feature();

  // --- familyOf

  @Test
  void python_ids_belong_to_the_python_family() {
    assertThat(RuntimeCatalog.familyOf("python3.12")).contains(Family.PYTHON);
    assertThat(RuntimeCatalog.familyOf("python3.9")).contains(Family.PYTHON);
  }

  @Test
  void nodejs_ids_belong_to_the_nodejs_family() {
    assertThat(RuntimeCatalog.familyOf("nodejs20.x")).contains(Family.NODEJS);
  }

  @Test
  void java_ids_belong_to_the_java_family() {
    assertThat(RuntimeCatalog.familyOf("java17")).contains(Family.JAVA);
    assertThat(RuntimeCatalog.familyOf("java21")).contains(Family.JAVA);
  }

  @Test
  void custom_runtime_ids_belong_to_the_provided_family() {
    assertThat(RuntimeCatalog.familyOf("provided")).contains(Family.PROVIDED);
    assertThat(RuntimeCatalog.familyOf("provided.al2")).contains(Family.PROVIDED);
    assertThat(RuntimeCatalog.familyOf("provided.al2023")).contains(Family.PROVIDED);
  }

  @Test
  void unknown_runtime_ids_have_no_family() {
    assertThat(RuntimeCatalog.familyOf("ruby3.3")).isEmpty();
    assertThat(RuntimeCatalog.familyOf("python2.7")).isEmpty();
    assertThat(RuntimeCatalog.familyOf("")).isEmpty();
  }

  @Test
  void near_misses_of_runtime_ids_have_no_family() {
    assertThat(RuntimeCatalog.familyOf("python3")).isEmpty();
    assertThat(RuntimeCatalog.familyOf("nodejs20")).isEmpty();
    assertThat(RuntimeCatalog.familyOf("java")).isEmpty();
    assertThat(RuntimeCatalog.familyOf("provided.al2024")).isEmpty();
    assertThat(RuntimeCatalog.familyOf("Python3.12")).isEmpty();
  }

  // --- detect

  @Test
  void detection_always_offers_the_custom_runtimes_without_an_interpreter() {
    RuntimeCatalog catalog = RuntimeCatalog.detect(Map.of());

    for (String id : new String[] {"provided", "provided.al2", "provided.al2023"}) {
      assertThat(catalog.find(id)).as(id).contains(new Runtime(id, Family.PROVIDED, Optional.empty()));
    }
  }

  @Test
  void detection_always_offers_the_java_runtime_of_this_jvm() {
    RuntimeCatalog catalog = RuntimeCatalog.detect(Map.of());

    assertThat(catalog.find(THIS_JAVA)).hasValueSatisfying(runtime -> {
      assertThat(runtime.family()).isEqualTo(Family.JAVA);
      assertThat(runtime.interpreter()).contains(Path.of(System.getProperty("java.home"), "bin", "java"));
    });
    assertThat(catalog.ids()).contains("provided", "provided.al2", "provided.al2023", THIS_JAVA);
  }

  @Test
  void every_detected_runtime_has_the_family_its_id_names() {
    RuntimeCatalog catalog = RuntimeCatalog.detect(Map.of());

    for (String id : catalog.ids()) {
      Runtime runtime = catalog.find(id).orElseThrow();
      assertThat(runtime.id()).isEqualTo(id);
      assertThat(RuntimeCatalog.familyOf(id)).as(id).contains(runtime.family());
      assertThat(runtime.interpreter().isPresent()).as(id).isEqualTo(runtime.family() != Family.PROVIDED);
    }
  }

  @Test
  void a_configured_runtime_appears_with_its_interpreter_path() {
    RuntimeCatalog catalog = RuntimeCatalog.detect(Map.of("python3.99", "/opt/py/bin/python3"));

    assertThat(catalog.find("python3.99"))
        .contains(new Runtime("python3.99", Family.PYTHON, Optional.of(Path.of("/opt/py/bin/python3"))));
    assertThat(catalog.ids()).contains("python3.99");
  }

  @Test
  void a_configured_mapping_overrides_what_was_detected() {
    RuntimeCatalog catalog = RuntimeCatalog.detect(Map.of(THIS_JAVA, "/opt/jdk/bin/java"));

    assertThat(catalog.find(THIS_JAVA))
        .contains(new Runtime(THIS_JAVA, Family.JAVA, Optional.of(Path.of("/opt/jdk/bin/java"))));
  }

  @Test
  void a_configured_mapping_of_an_unknown_runtime_id_is_ignored() {
    RuntimeCatalog catalog = RuntimeCatalog.detect(Map.of("ruby3.3", "/usr/bin/ruby"));

    assertThat(catalog.find("ruby3.3")).isEmpty();
    assertThat(catalog.ids()).doesNotContain("ruby3.3");
  }

  // --- find and ids

  @Test
  void find_answers_empty_for_an_id_not_in_the_catalog() {
    RuntimeCatalog catalog = new RuntimeCatalog(Map.of());

    assertThat(catalog.find("python3.12")).isEmpty();
    assertThat(catalog.ids()).isEmpty();
  }

  @Test
  void ids_are_sorted() {
    RuntimeCatalog catalog = new RuntimeCatalog(Map.of(
        "python3.12", new Runtime("python3.12", Family.PYTHON, Optional.of(Path.of("/usr/bin/python3.12"))),
        "java17", new Runtime("java17", Family.JAVA, Optional.of(Path.of("/usr/bin/java"))),
        "provided.al2023", new Runtime("provided.al2023", Family.PROVIDED, Optional.empty()),
        "nodejs20.x", new Runtime("nodejs20.x", Family.NODEJS, Optional.of(Path.of("/usr/bin/node"))),
        "provided", new Runtime("provided", Family.PROVIDED, Optional.empty())));

    assertThat(catalog.ids()).containsExactly("java17", "nodejs20.x", "provided", "provided.al2023", "python3.12");
  }

  @Test
  void detected_ids_are_sorted() {
    assertThat(RuntimeCatalog.detect(Map.of("python3.99", "/opt/py/bin/python3")).ids()).isSorted();
  }
}
