package io.petrel.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.petrel.gateway.internal.CodePackage.Checked;
import io.petrel.gateway.internal.CodePackage.InvalidPackage;
import io.petrel.gateway.internal.CodePackage.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.UnicodePathExtraField;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;

class CodePackageTest {

  private static final Limits SMALL = new Limits(1000, 5000, 10);
  private static final Limits ROOMY = new Limits(1_000_000, 1_000_000, 10);
  private static final String UNREADABLE = "Could not unzip uploaded file";
  private static final int SYMLINK = 0120777;

  /** One entry to write: a file, a directory (name ends in /) or, with a link mode, a symlink. */
  private record Item(String name, byte[] data, int unixMode) {
    static Item file(String name, String content) {
      return new Item(name, content.getBytes(StandardCharsets.UTF_8), 0100644);
    }

    static Item dir(String name) {
      return new Item(name, new byte[0], 040755);
    }

    static Item link(String name, String target) {
      return new Item(name, target.getBytes(StandardCharsets.UTF_8), SYMLINK);
    }
  }

  private static byte[] zip(Item... items) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(bytes)) {
      for (Item item : items) {
        ZipArchiveEntry entry = new ZipArchiveEntry(item.name());
        entry.setUnixMode(item.unixMode());
        out.putArchiveEntry(entry);
        out.write(item.data());
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] zipWithJdk(String name, byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      out.putNextEntry(new ZipEntry(name));
      out.write(content);
      out.closeEntry();
    }
    return bytes.toByteArray();
  }

  /** Offset of the first central directory header in a zip. */
  private static int centralHeader(byte[] zip) {
    for (int i = 0; i + 4 <= zip.length; i++) {
      if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
        return i;
      }
    }
    throw new IllegalArgumentException("no central directory");
  }

  private static void putShort(byte[] zip, int at, int value) {
    ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
  }

  private static void putInt(byte[] zip, int at, long value) {
    ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) value);
  }

  private static InvalidPackage refusal(byte[] zip, Limits limits) {
    try {
      CodePackage.check(zip, limits);
    } catch (InvalidPackage e) {
      return e;
    }
    throw new AssertionError("package was accepted");
  }

  private static String refusalMessage(byte[] zip, Limits limits) {
    return refusal(zip, limits).getMessage();
  }

  @Test
  void accepts_a_normal_package_and_reports_digests_size_and_names() throws Exception {
    byte[] zip = zip(Item.file("bootstrap", "#!/bin/sh\necho hi\n"), Item.file("app.py", "print(1)\n"));

    Checked checked = CodePackage.check(zip, SMALL);

    byte[] digest = MessageDigest.getInstance("SHA-256").digest(zip);
    assertThat(checked.zip()).isSameAs(zip);
    assertThat(checked.sha256Hex()).isEqualTo(HexFormat.of().formatHex(digest)).hasSize(64).isLowerCase();
    assertThat(checked.sha256Base64()).isEqualTo(Base64.getEncoder().encodeToString(digest));
    assertThat(checked.unzippedSize()).isEqualTo(18 + 9);
    assertThat(checked.entryNames()).containsExactly("bootstrap", "app.py");
  }

  @Test
  void accepts_nested_folders_and_directory_entries() throws Exception {
    byte[] zip = zip(Item.dir("lib/"), Item.dir("lib/util/"), Item.file("lib/util/x.js", "x"),
        Item.file("index.js", "exports.handler = 1"));

    Checked checked = CodePackage.check(zip, SMALL);

    assertThat(checked.entryNames()).containsExactly("lib/", "lib/util/", "lib/util/x.js", "index.js");
    assertThat(checked.unzippedSize()).isEqualTo(1 + 19);
  }

  @Test
  void contains_finds_files_but_not_directories() throws Exception {
    Checked checked = CodePackage.check(
        zip(Item.dir("lib/"), Item.file("lib/x.js", "x"), Item.file("./bootstrap", "b")), SMALL);

    assertThat(checked.contains("lib/x.js")).isTrue();
    assertThat(checked.contains("lib\\x.js")).isTrue();
    assertThat(checked.contains("bootstrap")).isTrue();
    assertThat(checked.contains("lib")).isFalse();
    assertThat(checked.contains("app.py")).isFalse();
  }

  @Test
  void accepts_a_package_written_by_java_util_zip() throws Exception {
    Checked checked = CodePackage.check(zipWithJdk("handler.py", "def h(e, c): pass\n".getBytes()), SMALL);

    assertThat(checked.entryNames()).containsExactly("handler.py");
    assertThat(checked.unzippedSize()).isEqualTo(18);
  }

  @Test
  void refuses_bytes_that_are_not_a_zip() {
    byte[] random = new byte[500];
    new Random(1).nextBytes(random);

    assertThat(refusalMessage(random, SMALL))
        .isEqualTo("Could not unzip uploaded file. Please check your file, then try to upload again.");
  }

  @Test
  void refuses_empty_bytes() {
    assertThat(refusalMessage(new byte[0], SMALL)).startsWith(UNREADABLE);
  }

  @Test
  void refuses_a_zip_without_entries() throws Exception {
    assertThat(refusalMessage(zip(), SMALL)).isEqualTo("Uploaded file must be a non-empty zip");
  }

  @Test
  void refuses_a_truncated_zip() throws Exception {
    byte[] zip = zip(Item.file("a.txt", "hello hello hello"), Item.file("b.txt", "world"));

    assertThat(refusalMessage(Arrays.copyOf(zip, zip.length - 10), SMALL)).startsWith(UNREADABLE);
    assertThat(refusalMessage(Arrays.copyOf(zip, zip.length / 2), SMALL)).startsWith(UNREADABLE);
  }

  @Test
  void refuses_an_entry_whose_data_does_not_match_its_crc() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      ZipEntry entry = new ZipEntry("a.txt");
      entry.setMethod(ZipEntry.STORED);
      byte[] content = "hello world".getBytes();
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(content);
      entry.setSize(content.length);
      entry.setCrc(crc.getValue());
      out.putNextEntry(entry);
      out.write(content);
      out.closeEntry();
    }
    byte[] zip = bytes.toByteArray();
    zip[30 + "a.txt".length()] ^= 1;

    assertThat(refusalMessage(zip, SMALL)).startsWith(UNREADABLE);
  }

  @Test
  void accepts_base64_text_and_refuses_invalid_base64() throws Exception {
    byte[] zip = zip(Item.file("bootstrap", "b"));
    String wrapped = Base64.getMimeEncoder().encodeToString(zip);

    assertThat(CodePackage.checkBase64(Base64.getEncoder().encodeToString(zip), SMALL).zip()).isEqualTo(zip);
    assertThat(CodePackage.checkBase64(wrapped, SMALL).zip()).isEqualTo(zip);
    assertThatThrownBy(() -> CodePackage.checkBase64("not base64 at all!!", SMALL))
        .isInstanceOf(InvalidPackage.class)
        .hasMessageStartingWith("ZipFile is not valid base64");
    assertThatThrownBy(() -> CodePackage.checkBase64(null, SMALL)).hasMessage("ZipFile is required");
    assertThatThrownBy(() -> CodePackage.checkBase64("", SMALL)).hasMessageStartingWith(UNREADABLE);
  }

  @Test
  void refuses_base64_too_long_for_the_zipped_limit_before_decoding_it() {
    assertThatThrownBy(() -> CodePackage.checkBase64("!".repeat(2000), SMALL))
        .hasMessage("Zipped size must be smaller than 1000 bytes");
  }

  @Test
  void refuses_a_zip_over_the_zipped_limit() throws Exception {
    byte[] noise = new byte[2000];
    new Random(2).nextBytes(noise);
    byte[] zip = zipWithJdk("noise.bin", noise);

    assertThat(zip.length).isGreaterThan(1000);
    assertThat(refusalMessage(zip, SMALL)).isEqualTo("Zipped size must be smaller than 1000 bytes");
  }

  @Test
  void refuses_a_package_over_the_unzipped_limit() throws Exception {
    byte[] zip = zip(Item.file("a", "x".repeat(3000)), Item.file("b", "y".repeat(3000)));

    assertThat(zip.length).isLessThan(1000);
    assertThat(refusalMessage(zip, SMALL)).isEqualTo("Unzipped size must be smaller than 5000 bytes");
  }

  @Test
  void accepts_a_package_exactly_at_the_unzipped_limit() throws Exception {
    byte[] zip = zip(Item.file("a", "x".repeat(2500)), Item.file("b", "y".repeat(2500)));

    assertThat(CodePackage.check(zip, SMALL).unzippedSize()).isEqualTo(5000);
  }

  @Test
  void refuses_a_zip_bomb_by_measuring_inflated_bytes() throws Exception {
    byte[] zip = zipWithJdk("zeros", new byte[10 * 1024 * 1024]);

    assertThat(zip.length).isLessThan(20_000);
    assertThat(refusalMessage(zip, ROOMY)).isEqualTo("Unzipped size must be smaller than 1000000 bytes");
  }

  @Test
  void refuses_a_bomb_whose_headers_understate_its_size() throws Exception {
    byte[] zip = zipWithJdk("zeros", new byte[2 * 1024 * 1024]);
    putInt(zip, centralHeader(zip) + 24, 10);

    assertThat(refusalMessage(zip, ROOMY)).isEqualTo("Unzipped size must be smaller than 1000000 bytes");
  }

  @Test
  void refuses_an_entry_whose_declared_size_is_a_lie_even_within_limits() throws Exception {
    byte[] zip = zipWithJdk("zeros", new byte[3000]);
    putInt(zip, centralHeader(zip) + 24, 10);

    assertThat(refusalMessage(zip, SMALL)).startsWith(UNREADABLE);
  }

  @Test
  void refuses_more_entries_than_the_limit_and_accepts_the_limit() throws Exception {
    Item[] ten = new Item[10];
    for (int i = 0; i < 10; i++) {
      ten[i] = Item.file("f" + i, "");
    }
    Item[] eleven = Arrays.copyOf(ten, 11);
    eleven[10] = Item.file("f10", "");
    Limits limits = new Limits(10_000, 5000, 10);

    assertThat(CodePackage.check(zip(ten), limits).entryNames()).hasSize(10);
    assertThat(refusalMessage(zip(eleven), limits)).isEqualTo("ZipFile must not contain more than 10 entries");
  }

  @Test
  void refuses_an_entry_that_climbs_out_with_dot_dot() throws Exception {
    assertThat(refusalMessage(zip(Item.file("../x", "evil")), SMALL))
        .isEqualTo("ZipFile entry '../x' escapes the package root");
    assertThat(refusalMessage(zip(Item.file("lib/../../x", "evil")), SMALL)).contains("escapes the package root");
  }

  @Test
  void refuses_an_entry_that_climbs_out_with_backslashes() throws Exception {
    assertThat(refusalMessage(zip(Item.file("..\\evil.txt", "evil")), SMALL)).contains("escapes the package root");
  }

  @Test
  void refuses_absolute_entry_names() throws Exception {
    assertThat(refusalMessage(zip(Item.file("/etc/passwd", "root::0:0")), SMALL))
        .isEqualTo("ZipFile entry '/etc/passwd' escapes the package root");
    assertThat(refusalMessage(zip(Item.file("C:/Windows/evil.dll", "x")), SMALL)).contains("escapes the package root");
    assertThat(refusalMessage(zip(Item.file("\\\\server\\share\\x", "x")), SMALL)).contains("escapes the package root");
  }

  @Test
  void refuses_an_entry_name_with_a_nul_character() throws Exception {
    assertThat(refusalMessage(zip(Item.file("app.py\0.txt", "x")), SMALL))
        .isEqualTo("ZipFile entry 'app.py?.txt' has a NUL character in its name");
  }

  @Test
  void refuses_duplicate_entry_names() throws Exception {
    assertThat(refusalMessage(zip(Item.file("app.py", "a"), Item.file("app.py", "b")), SMALL))
        .isEqualTo("ZipFile entry 'app.py' appears more than once");
    assertThat(refusalMessage(zip(Item.file("app.py", "a"), Item.file("./app.py", "b")), SMALL))
        .isEqualTo("ZipFile entry './app.py' appears more than once");
  }

  @Test
  void refuses_a_symlink_to_an_absolute_path() throws Exception {
    assertThat(refusalMessage(zip(Item.link("etc", "/etc")), SMALL))
        .isEqualTo("ZipFile entry 'etc' is a symbolic link to '/etc', outside the package root");
  }

  @Test
  void refuses_a_symlink_that_climbs_out_of_the_package() throws Exception {
    assertThat(refusalMessage(zip(Item.dir("a/"), Item.link("a/link", "../../x")), SMALL))
        .contains("'a/link' is a symbolic link to '../../x', outside the package root");
  }

  @Test
  void accepts_symlinks_that_stay_inside_the_package() throws Exception {
    byte[] zip = zip(Item.file("bin/tool", "t"), Item.link("lib/current", "../bin/tool"), Item.link("here", "."),
        Item.link("bootstrap", "bin/tool"));

    Checked checked = CodePackage.check(zip, SMALL);

    assertThat(checked.contains("bootstrap")).isTrue();
    assertThat(checked.unzippedSize()).isEqualTo(1 + "../bin/tool".length() + 1 + "bin/tool".length());
  }

  @Test
  void refuses_a_symlink_that_escapes_through_another_symlink() throws Exception {
    assertThat(refusalMessage(zip(Item.link("root", "."), Item.link("up", "root/..")), SMALL))
        .contains("'up' is a symbolic link to 'root/..', outside the package root");
    assertThat(refusalMessage(zip(Item.dir("d/"), Item.link("d/root", ".."), Item.link("escape", "d/root/..")), SMALL))
        .isEqualTo("ZipFile entry 'escape' is a symbolic link to 'd/root/..', outside the package root");
  }

  @Test
  void refuses_entries_beneath_a_symlink() throws Exception {
    byte[] aliasing = zip(Item.link("a", "."), Item.link("a/b", "."), Item.link("c", "b/.."));

    assertThat(refusalMessage(aliasing, SMALL)).isEqualTo("ZipFile entry 'a/b' is beneath the symbolic link 'a'");
    assertThat(refusalMessage(zip(Item.link("lib", "vendor"), Item.file("lib/x.js", "x")), SMALL))
        .isEqualTo("ZipFile entry 'lib/x.js' is beneath the symbolic link 'lib'");
  }

  @Test
  void refuses_a_symlink_loop() throws Exception {
    assertThat(refusalMessage(zip(Item.link("a", "b"), Item.link("b", "a")), SMALL))
        .contains("too many levels of links");
  }

  @Test
  void refuses_special_files() throws Exception {
    assertThat(refusalMessage(zip(new Item("fifo", new byte[0], 010644)), SMALL))
        .isEqualTo("ZipFile entry 'fifo' is not a regular file, directory or symbolic link");
  }

  @Test
  void refuses_an_encrypted_entry() throws Exception {
    byte[] zip = zipWithJdk("secret.txt", "not really encrypted".getBytes());
    int central = centralHeader(zip);
    putShort(zip, central + 8, zip[central + 8] | 1);
    putShort(zip, 6, zip[6] | 1);

    assertThat(refusalMessage(zip, SMALL)).isEqualTo("ZipFile entry 'secret.txt' is encrypted");
  }

  @Test
  void refuses_an_unsupported_compression_method() throws Exception {
    byte[] zip = zipWithJdk("data.txt", "data".getBytes());
    putShort(zip, centralHeader(zip) + 10, 97);
    putShort(zip, 8, 97);

    assertThat(refusalMessage(zip, SMALL))
        .isEqualTo("ZipFile entry 'data.txt' uses an unsupported compression method (97)");
  }

  @Test
  void refuses_an_entry_whose_local_header_has_another_name() throws Exception {
    byte[] zip = zipWithJdk("good.txt", "x".getBytes());
    System.arraycopy("evil".getBytes(), 0, zip, 30, 4);

    assertThat(refusalMessage(zip, SMALL)).isEqualTo("ZipFile entry 'good.txt' has conflicting names in the archive");
  }

  @Test
  void refuses_an_entry_whose_unicode_path_field_gives_another_name() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(bytes)) {
      out.setUseLanguageEncodingFlag(false);
      ZipArchiveEntry entry = new ZipArchiveEntry("good.txt");
      entry.addExtraField(new UnicodePathExtraField("other.txt", "good.txt".getBytes(StandardCharsets.UTF_8)));
      out.putArchiveEntry(entry);
      out.write('x');
      out.closeArchiveEntry();
    }

    assertThat(refusalMessage(bytes.toByteArray(), SMALL))
        .isEqualTo("ZipFile entry 'other.txt' has conflicting names in the archive");
  }
}
