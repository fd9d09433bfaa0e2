package io.petrel.node.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs a function folder into a zip the same way every time: every regular file below the folder (hidden files
 * included, symbolic links to files read through), named by its path relative to the folder with '/' separators,
 * in sorted order, each with the same timestamp, and no directory entries. The same files therefore give the
 * same bytes and the same CodeSha256, so re-deploying unchanged code is recognisable. File modes are not kept
 * (java.util.zip cannot write them).
 */
public final class Zipper {
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

  private Zipper() {}

  /** The zip of {@code folder}; a usage error when it is not a folder or holds no files. */
  public static byte[] zip(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw CliException.usage(folder + (Files.exists(folder) ? " is not a folder" : " does not exist"));
    }
    List<String> names = files(folder);
    if (names.isEmpty()) {
      throw CliException.usage("folder " + folder + " holds no files to deploy");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String name : names) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(FIXED_TIME);
        zip.putNextEntry(entry);
        Files.copy(folder.resolve(name), zip);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw CliException.failed("could not pack " + folder + ": " + e.getMessage());
    }
    return bytes.toByteArray();
  }

  /** The relative names of the files that go into the zip, in zip order. */
  static List<String> files(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> folder.relativize(p).toString().replace(folder.getFileSystem().getSeparator(), "/"))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException | UncheckedIOException e) {
      throw CliException.failed("could not read " + folder + ": " + e.getMessage());
    }
  }
}
