package io.petrel.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipperTest {
  @TempDir
  Path dir;

  private Path write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  private static Map<String, String> unzip(byte[] zip) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return entries;
  }

  @Test
  void includes_nested_and_hidden_files_by_relative_name_in_sorted_order_without_directory_entries()
      throws IOException {
    write("fn/app.py", "def handler(e, c): return e\n");
    write("fn/lib/util/helpers.py", "X = 1\n");
    write("fn/.env", "A=1\n");
    Files.createDirectories(dir.resolve("fn/empty"));
    Map<String, String> entries = unzip(Zipper.zip(dir.resolve("fn")));
    assertThat(entries.keySet()).containsExactly(".env", "app.py", "lib/util/helpers.py");
    assertThat(entries.get("lib/util/helpers.py")).isEqualTo("X = 1\n");
  }

  @Test
  void the_same_files_give_the_same_bytes_whatever_their_timestamps_and_creation_order() throws IOException {
    write("a/z.py", "z");
    write("a/m/n.py", "n");
    byte[] first = Zipper.zip(dir.resolve("a"));
    write("b/m/n.py", "n");
    Path z = write("b/z.py", "z");
    Files.setLastModifiedTime(z, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
    assertThat(Zipper.zip(dir.resolve("b"))).isEqualTo(first);
    assertThat(Zipper.zip(dir.resolve("a"))).isEqualTo(first);
  }

  @Test
  void refuses_a_folder_that_does_not_exist_or_holds_no_files() throws IOException {
    assertThatThrownBy(() -> Zipper.zip(dir.resolve("missing")))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageEndingWith("missing does not exist");
    Files.createDirectories(dir.resolve("hollow/inside"));
    assertThatThrownBy(() -> Zipper.zip(dir.resolve("hollow"))).hasMessageContaining("holds no files to deploy");
    Path file = write("plain.txt", "x");
    assertThatThrownBy(() -> Zipper.zip(file)).hasMessageEndingWith("plain.txt is not a folder");
  }

  @Test
  void names_use_forward_slashes() throws IOException {
    write("fn/a/b/c.txt", "c");
    List<String> names = new ArrayList<>(Zipper.files(dir.resolve("fn")));
    assertThat(names).containsExactly("a/b/c.txt");
  }
}
