package io.petrel.gateway.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Checks a function code package (the zip uploaded as {@code ZipFile} to CreateFunction or
 * UpdateFunctionCode) before it is stored.
 *
 * <p>A package is accepted when it is a readable, non-empty zip within the {@link Limits} and
 * extracting it cannot write or link outside the directory it is extracted into. The unzipped size
 * is measured by inflating every entry, never taken from the headers, and every entry's data must
 * match its declared size and CRC. Refused are: absolute names, {@code ..} segments, NUL
 * characters, duplicate names, names that differ between the central directory, the local header
 * or a Unicode path field, symbolic links whose target leaves the package (following the
 * package's other links), special files, and encrypted or unreadable entries.
 *
 * <p>The checks describe the archive as its central directory lists it; whoever extracts the
 * package must read it the same way (e.g. with commons-compress {@code ZipFile}), not by
 * streaming local headers. Refusals are {@link InvalidPackage}s with a message fit for the caller
 * of the API. Stateless and thread-safe; everything happens in memory.
 */
public final class CodePackage {

  private static final String UNREADABLE =
      "Could not unzip uploaded file. Please check your file, then try to upload again.";
  private static final int MAX_LINK_TARGET_BYTES = 4096;
  private static final int MAX_LINK_HOPS = 40;
  private static final long LINK_RESOLUTION_BUDGET = 100_000_000L;
  private static final int FILE_TYPE_MASK = 0170000;
  private static final Set<Integer> ALLOWED_FILE_TYPES = Set.of(0, 0100000, 0040000, 0120000);

  private CodePackage() {}

  public record Limits(long maxZippedBytes, long maxUnzippedBytes, int maxEntries) {
    /** AWS Lambda's quotas: 50 MB zipped, 250 MB unzipped. */
    public static final Limits LAMBDA = new Limits(52_428_800L, 262_144_000L, 100_000);

    public Limits {
      if (maxZippedBytes <= 0 || maxUnzippedBytes <= 0 || maxEntries <= 0) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  /**
   * The checked package: its bytes (the caller's array, not copied), the lower-case hex and the
   * base64 SHA-256 of those bytes, the measured unzipped size, and the entry names in central
   * directory order as stored (directories end with {@code /}).
   */
  public record Checked(
      byte[] zip, String sha256Hex, String sha256Base64, long unzippedSize, List<String> entryNames) {
    public Checked {
      entryNames = List.copyOf(entryNames);
    }

    /** Whether the package holds a file or link (not a directory) at this path, e.g. "lib/x.js". */
    public boolean contains(String path) {
      String wanted = String.join("/", segments(path));
      return entryNames.stream()
          .filter(name -> !name.endsWith("/") && !name.endsWith("\\"))
          .anyMatch(name -> String.join("/", segments(name)).equals(wanted));
    }
  }

  /** Why a package is refused; the message is meant for the API caller. */
  public static final class InvalidPackage extends Exception {
    public InvalidPackage(String message) {
      super(message);
    }

    private InvalidPackage(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Checks the package given as the base64 text of the {@code ZipFile} field. */
  public static Checked checkBase64(String base64, Limits limits) throws InvalidPackage {
    if (base64 == null) {
      throw new InvalidPackage("ZipFile is required");
    }
    String text = base64.chars().anyMatch(Character::isWhitespace) ? base64.replaceAll("\\s+", "") : base64;
    if ((long) text.length() * 3 / 4 - 2 > limits.maxZippedBytes()) {
      throw zippedTooBig(limits);
    }
    byte[] zip;
    try {
      zip = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidPackage("ZipFile is not valid base64: " + e.getMessage(), e);
    }
    return check(zip, limits);
  }

  /** Checks the package given as zip bytes. */
  public static Checked check(byte[] zip, Limits limits) throws InvalidPackage {
    Objects.requireNonNull(limits, "limits");
    if (zip == null || zip.length == 0) {
      throw new InvalidPackage(UNREADABLE);
    }
    if (zip.length > limits.maxZippedBytes()) {
      throw zippedTooBig(limits);
    }
    List<String> names = new ArrayList<>();
    long unzippedSize;
    try (ZipFile zipFile = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(zip)).get()) {
      List<ZipArchiveEntry> entries = Collections.list(zipFile.getEntries());
      if (entries.isEmpty()) {
        throw new InvalidPackage("Uploaded file must be a non-empty zip");
      }
      if (entries.size() > limits.maxEntries()) {
        throw new InvalidPackage("ZipFile must not contain more than " + limits.maxEntries() + " entries");
      }
      NavigableSet<String> paths = new TreeSet<>();
      for (ZipArchiveEntry entry : entries) {
        if (!paths.add(checkEntry(zipFile, zip, entry))) {
          throw refuse(entry.getName(), "appears more than once");
        }
        names.add(entry.getName());
      }
      unzippedSize = checkContents(zipFile, entries, paths, limits);
    } catch (IOException | RuntimeException e) {
      throw new InvalidPackage(UNREADABLE, e);
    }
    byte[] sha256 = sha256(zip);
    return new Checked(
        zip, HexFormat.of().formatHex(sha256), Base64.getEncoder().encodeToString(sha256), unzippedSize, names);
  }

  /** Checks what can be seen without inflating; returns the entry's normalized path. */
  private static String checkEntry(ZipFile zipFile, byte[] zip, ZipArchiveEntry entry) throws InvalidPackage {
    String name = entry.getName();
    if (name.isEmpty()) {
      throw new InvalidPackage("ZipFile contains an entry without a name");
    }
    if (name.indexOf('\0') >= 0) {
      throw refuse(name, "has a NUL character in its name");
    }
    List<String> segments = segments(name);
    if (isAbsolute(name) || segments.contains("..")) {
      throw refuse(name, "escapes the package root");
    }
    String path = String.join("/", segments);
    if (path.isEmpty() && !entry.isDirectory()) {
      throw refuse(name, "is not a file name");
    }
    String rawName = new String(entry.getRawName(), StandardCharsets.UTF_8);
    if (!name.replace('\\', '/').equals(rawName.replace('\\', '/')) || !localNameMatches(zip, entry)) {
      throw refuse(name, "has conflicting names in the archive");
    }
    int type = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() & FILE_TYPE_MASK : 0;
    if (!ALLOWED_FILE_TYPES.contains(type)) {
      throw refuse(name, "is not a regular file, directory or symbolic link");
    }
    if (!zipFile.canReadEntryData(entry)) {
      var flags = entry.getGeneralPurposeBit();
      throw refuse(name, flags.usesEncryption() || flags.usesStrongEncryption() ? "is encrypted"
          : "uses an unsupported compression method (" + entry.getMethod() + ")");
    }
    return path;
  }

  private static boolean localNameMatches(byte[] zip, ZipArchiveEntry entry) {
    byte[] raw = entry.getRawName();
    long offset = entry.getLocalHeaderOffset();
    if (offset < 0 || offset + 30 + raw.length > zip.length) {
      return false;
    }
    int at = (int) offset;
    int nameLength = (zip[at + 26] & 0xff) | (zip[at + 27] & 0xff) << 8;
    return zip[at] == 'P' && zip[at + 1] == 'K' && zip[at + 2] == 3 && zip[at + 3] == 4
        && nameLength == raw.length
        && Arrays.equals(zip, at + 30, at + 30 + raw.length, raw, 0, raw.length);
  }

  /** Inflates every entry, measuring the total and checking sizes, CRCs and link targets. */
  private static long checkContents(
      ZipFile zipFile, List<ZipArchiveEntry> entries, NavigableSet<String> paths, Limits limits)
      throws IOException, InvalidPackage {
    byte[] buffer = new byte[64 * 1024];
    Map<String, String> links = new HashMap<>();
    long total = 0;
    for (ZipArchiveEntry entry : entries) {
      ByteArrayOutputStream linkTarget = entry.isUnixSymlink() ? new ByteArrayOutputStream() : null;
      CRC32 crc = new CRC32();
      long size = 0;
      try (InputStream in = zipFile.getInputStream(entry)) {
        for (int n; (n = in.read(buffer)) != -1; ) {
          size += n;
          if (total + size > limits.maxUnzippedBytes()) {
            throw new InvalidPackage("Unzipped size must be smaller than " + limits.maxUnzippedBytes() + " bytes");
          }
          crc.update(buffer, 0, n);
          if (linkTarget != null) {
            if (linkTarget.size() + n > MAX_LINK_TARGET_BYTES) {
              throw refuse(entry.getName(), "has a symbolic link target that is too long");
            }
            linkTarget.write(buffer, 0, n);
          }
        }
      }
      if ((entry.getSize() != ZipArchiveEntry.SIZE_UNKNOWN && entry.getSize() != size)
          || (entry.getCrc() != -1 && entry.getCrc() != crc.getValue())) {
        throw new InvalidPackage(UNREADABLE);
      }
      total += size;
      if (linkTarget != null) {
        links.put(String.join("/", segments(entry.getName())), linkTarget.toString(StandardCharsets.UTF_8));
      }
    }
    checkLinks(links, paths);
    return total;
  }

  /**
   * Refuses links with entries beneath them (so each link's path is where it really lands) and
   * links whose target, resolved like the file system would, following the package's other links,
   * leaves the package. The work is bounded by a character budget.
   */
  private static void checkLinks(Map<String, String> links, NavigableSet<String> paths) throws InvalidPackage {
    long budget = LINK_RESOLUTION_BUDGET;
    for (Map.Entry<String, String> link : links.entrySet()) {
      String path = link.getKey();
      String target = link.getValue();
      String below = paths.ceiling(path + "/");
      if (below != null && below.startsWith(path + "/")) {
        throw refuse(below, "is beneath the symbolic link '" + shown(path) + "'");
      }
      String refusal = "is a symbolic link to '" + shown(target) + "'";
      if (target.isEmpty() || target.indexOf('\0') >= 0) {
        throw refuse(path, refusal + ", which is not a valid target");
      }
      InvalidPackage escapes = refuse(path, refusal + ", outside the package root");
      if (isAbsolute(target)) {
        throw escapes;
      }
      Deque<String> pending = new ArrayDeque<>(segments(path));
      pending.removeLast();
      pending.addAll(segments(target));
      Deque<String> resolved = new ArrayDeque<>();
      int hops = 0;
      while (!pending.isEmpty()) {
        String segment = pending.removeFirst();
        if (segment.equals("..")) {
          if (resolved.pollLast() == null) {
            throw escapes;
          }
          continue;
        }
        String prefix = resolved.isEmpty() ? segment : resolved.peekLast() + "/" + segment;
        budget -= prefix.length();
        if (budget < 0) {
          throw new InvalidPackage("ZipFile has symbolic links too complex to resolve");
        }
        String next = links.get(prefix);
        if (next == null) {
          resolved.addLast(prefix);
          continue;
        }
        if (++hops > MAX_LINK_HOPS) {
          throw refuse(path, refusal + ", which does not resolve (too many levels of links)");
        }
        if (isAbsolute(next)) {
          throw escapes;
        }
        List<String> nextSegments = segments(next);
        for (int i = nextSegments.size() - 1; i >= 0; i--) {
          pending.addFirst(nextSegments.get(i));
        }
      }
    }
  }

  /** The non-empty, non-"." segments of a path, with backslashes taken as separators. */
  private static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    for (String segment : path.replace('\\', '/').split("/")) {
      if (!segment.isEmpty() && !segment.equals(".")) {
        segments.add(segment);
      }
    }
    return segments;
  }

  private static boolean isAbsolute(String path) {
    char first = path.isEmpty() ? 0 : path.charAt(0);
    boolean drive = path.length() >= 2 && path.charAt(1) == ':'
        && ((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'));
    return first == '/' || first == '\\' || drive;
  }

  private static String shown(String name) {
    StringBuilder shown = new StringBuilder();
    name.codePoints().limit(200).forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return name.codePointCount(0, name.length()) > 200 ? shown + "..." : shown.toString();
  }

  private static InvalidPackage refuse(String entryName, String problem) {
    return new InvalidPackage("ZipFile entry '" + shown(entryName) + "' " + problem);
  }

  private static InvalidPackage zippedTooBig(Limits limits) {
    return new InvalidPackage("Zipped size must be smaller than " + limits.maxZippedBytes() + " bytes");
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
