package io.petrel.node.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain text table: a header row, columns two spaces apart, each as wide as its widest cell, numeric columns
 * (named when building) aligned right, no trailing spaces. For example
 * <pre>
 * NAME   MEMORY
 * hello  128 MB
 * </pre>
 */
public final class Table {
  private final List<String> headers;
  private final boolean[] right;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> headers, boolean[] right) {
    this.headers = headers;
    this.right = right;
  }

  /** Column headers; a header ending in '>' marks a right-aligned column (the '>' is not shown). */
  public static Table of(String... headers) {
    boolean[] right = new boolean[headers.length];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < headers.length; i++) {
      right[i] = headers[i].endsWith(">");
      names.add(right[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i]);
    }
    return new Table(names, right);
  }

  public Table row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + headers.size()
          + " columns");
    }
    rows.add(Arrays.asList(cells));
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public String render() {
    int[] width = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        String pad = " ".repeat(width[i] - cell.length());
        line.append(i == 0 ? "" : "  ").append(right[i] ? pad + cell : cell + pad);
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }
}
