#!/usr/bin/env python3
"""Checks that five independent PDF readers extract every cell of the table
exactly as the YAML says.

Usage: check_readers.py PDF EXPECTED.jsonl PDFJS_DIR

EXPECTED.jsonl is the output of `cargo run --release --example item_texts`
(column edges and labels, every cell as it prints). PDFJS_DIR holds
node_modules/pdfjs-dist and pdfjs_text.mjs.

Readers: poppler's pdftotext (default and -raw), MuPDF (`mutool draw -F
stext`), pdf.js (`getTextContent`, in Node) and pypdf (`extract_text`). The
first four give positions: their text is taken column by column (pdftotext by
cropping, the others by the position of each piece), footers and what precedes
the header label dropped, as check_text.py does. pypdf joins the cells of a
line with spaces and gives no position per cell: every line of every cell as
laid out (item_texts' "lines") must be in its page's pypdf text, exactly.

  * content column: the text must equal the rows' contents character for
    character, spaces included: a space where the YAML has none (a 和欧間
    read as a space) or a lost one is a failure. Only line breaks may differ:
    a reader's line break may stand where the YAML has a space or nothing,
    and the YAML's own line breaks need not be line breaks in the reader.
    An ideographic space (U+3000) may come back as a space, and the cells of
    a table in a cell (one per line in the YAML's reading) joined by one.
  * other columns: every character of every cell in order, whitespace
    ignored (labels repeat on later pages there; see check_text.py).

Exits 0 with one line per reader, 1 with the first difference.
"""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_text import (  # noqa: E402  (beside this file)
    column_pages,
    expected_cells,
    header_end,
    is_subsequence,
    load_expected,
    reads_as_cells,
    squash,
)

CONTEXT = 30


def fail(msg):
    print(f"check_readers: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def load(path):
    """check_text's expected file, and the laid-out lines item_texts adds."""
    geometry, labels, items = load_expected(path)
    with open(path, encoding="utf-8") as f:
        lines = [rec for rec in map(json.loads, f) if rec["kind"] == "lines"]
    return geometry, labels, items, lines


# --- readers: each gives, per page, lines of (x, y_top, text) pieces ---------


def pdftotext_columns(pdf, geometry, raw):
    """Per column, per page, the lines pdftotext reads in the column's crop."""
    return [
        [page.split("\n") for page in column_pages(pdf, geometry, c, raw)]
        for c in range(len(geometry["column_edges"]) - 1)
    ]


def by_position(pages, geometry):
    """Per column, per page, lines from pieces (x, y_top, text, newline_after)."""
    edges = geometry["column_edges"]
    bottom = geometry["page_height"] - geometry["margin_bottom"]
    columns = []
    for c in range(len(edges) - 1):
        left, right = edges[c], edges[c + 1]
        per_page = []
        for pieces in pages:
            lines, line, last_y = [], "", None
            for x, y, text, eol in pieces:
                if not (left <= x + 0.01 < right) or y > bottom:
                    continue
                if last_y is not None and abs(y - last_y) > 1.0 and line:
                    lines.append(line)
                    line = ""
                line += text
                last_y = y
                if eol and line:
                    lines.append(line)
                    line = ""
            if line:
                lines.append(line)
            per_page.append(lines)
        columns.append(per_page)
    return columns


def mutool_pages(pdf):
    xml = subprocess.run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf], capture_output=True, check=True).stdout
    root = ET.fromstring(xml)
    pages = []
    for page in root.iter("page"):
        pieces = []
        for line in page.iter("line"):
            chars = list(line.iter("char"))
            # One piece per run of characters; a line may cross columns.
            for ch in chars:
                pieces.append((float(ch.get("x")), float(ch.get("y")), ch.get("c"), False))
            if pieces:
                x, y, t, _ = pieces[-1]
                pieces[-1] = (x, y, t, True)
        pages.append(pieces)
    return pages


def pdfjs_pages(pdf, pdfjs_dir, height):
    run = subprocess.run(["node", "pdfjs_text.mjs", pdf], cwd=pdfjs_dir, capture_output=True, check=True)
    pages = {}
    for line in run.stdout.decode().splitlines():
        it = json.loads(line)
        pages.setdefault(it["page"], []).append((it["x"], height - it["y"], it["str"], it["eol"]))
    return [pages.get(p, []) for p in range(max(pages) + 1 if pages else 0)]


def check_pypdf(pdf, lines):
    """pypdf joins the cells of a page's line with spaces and reports no
    position per cell, so it is checked line by line: every line of text as
    laid out (table cells, and what stands above the table), must be in its
    page's text exactly."""
    import pypdf

    texts = [p.extract_text().replace("\u3000", " ") for p in pypdf.PdfReader(pdf).pages]
    count = 0
    for rec in lines:
        page = texts[rec["page"]]
        for line in rec["lines"]:
            want = line.replace("\u3000", " ").strip()
            if want and want not in page:
                near = max(
                    (page[i:i + len(want)] for i in range(len(page))),
                    key=lambda s: sum(a == b for a, b in zip(s, want)),
                    default="",
                )
                fail(
                    f"pypdf: page {rec['page'] + 1}, a line starting in the {rec['column']} column is not in its text as laid out:\n"
                    f"  laid out: {want}\n  pypdf:    {near}"
                )
            count += 1
    return count


# --- comparison --------------------------------------------------------------


def column_text(pages, label):
    """The column's lines after its header label on each page, joined by newlines."""
    out = []
    for lines in pages:
        at = header_end(lines, label)
        if at is not None:
            out.extend(lines[at:])
    return "\n".join(out)


def same(a, b):
    return a == b or {a, b} == {" ", "\u3000"}


def compare_exact(got, want, after, reader, items):
    """got (reader) against want (YAML), spaces significant, line breaks soft."""
    norm = lambda s: "\n".join(line.strip(" \u3000") for line in s.split("\n"))
    got, want = norm(got), norm(want)
    i = j = 0
    at_break = False
    while j < len(want):
        if i < len(got) and got[i] == "\n":
            i += 1
            at_break = True
            continue
        if want[j] == "\n":
            # A line break of the YAML (or between the cells of a table in the
            # text, which readers join with a space on one line).
            if i < len(got) and got[i] == " ":
                i += 1
            j += 1
            continue
        if at_break and want[j] in " \u3000":
            j += 1
            continue
        if i < len(got) and same(got[i], want[j]):
            i += 1
            j += 1
            at_break = False
            continue
        start = want.rfind("\n\x00", 0, j)
        item = next((it for it in items if it["_start"] <= j < it["_end"]), None)
        where = f"item No. {item['no']}" if item else "between items"
        fail(
            f"{reader}: content column differs at {where}:\n"
            f"  YAML:   …{want[max(0, j - CONTEXT):j]}⟦{want[j:j + CONTEXT]}⟧\n"
            f"  reader: …{got[max(0, i - CONTEXT):i]}⟦{got[i:i + CONTEXT]}⟧"
        )
    tail = squash(got[i:])
    if not is_subsequence(tail, after):
        fail(f"{reader}: content column: text after the last row that is not the closing text: {tail[:80]}")


def compare_squashed(got, column, items, continued, after, reader):
    cells = expected_cells(column, items, continued)
    if reads_as_cells(squash(got), cells, after) is None:
        fail(f"{reader}: {column['key']} column does not read as its cells in order:\n  {squash(got)[:200]}")


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    pdf, expected, pdfjs_dir = argv[1:]
    geometry, labels, items, lines = load(expected)
    continued = squash(labels["continued"])
    after = squash(labels.get("after", ""))
    height = geometry["page_height"]
    want, pos = [], 0
    for it in items:
        it["_start"] = pos
        want.append(it["content"])
        pos += len(it["content"]) + 1
        it["_end"] = pos
    want = "\n".join(want)

    readers = {
        "pdftotext": lambda: pdftotext_columns(pdf, geometry, raw=False),
        "pdftotext -raw": lambda: pdftotext_columns(pdf, geometry, raw=True),
        "mutool": lambda: by_position(mutool_pages(pdf), geometry),
        "pdf.js": lambda: by_position(pdfjs_pages(pdf, pdfjs_dir, height), geometry),
    }
    for name, read in readers.items():
        columns = read()
        chars = 0
        for c, column in enumerate(geometry["columns"]):
            got = column_text(columns[c], column["label"])
            if column["key"] == "content":
                compare_exact(got, want, after, name, items)
                chars = len(squash(want))
            else:
                compare_squashed(got, column, items, continued, after, name)
        print(f"{name}: every cell of {len(items)} rows as in the YAML ({chars} content characters, spaces exact)")
    count = check_pypdf(pdf, lines)
    print(f"pypdf: all {count} lines exactly as laid out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
