package io.petrel.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table: the first {@code leftColumns} columns are left aligned, the others right aligned. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int leftColumns;
  private final int width;

  Table(int leftColumns, String... headers) {
    this.leftColumns = leftColumns;
    this.width = headers.length;
    rows.add(headers);
  }

  Table row(String... cells) {
    if (cells.length != width) {
      throw new IllegalArgumentException("expected " + width + " cells, got " + Arrays.toString(cells));
    }
    rows.add(cells);
    return this;
  }

  String render(String indent) {
    int[] widths = new int[width];
    for (String[] row : rows) {
      for (int c = 0; c < width; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int c = 0; c < width; c++) {
        if (c > 0) {
          line.append("   ");
        }
        String pad = " ".repeat(widths[c] - row[c].length());
        line.append(c < leftColumns ? row[c] + pad : pad + row[c]);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
