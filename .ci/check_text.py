#!/usr/bin/env python3
"""Checks the text layer of a built PDF against the YAML it was built from.

Usage: check_text.py PDF EXPECTED.jsonl

EXPECTED.jsonl is the output of
    cargo run --release --example item_texts -- DOC.yaml
(a "geometry" line with the page size, margins, column edges in PDF points from
the top-left corner and each column's key, label and merging, a "labels" line with
the continued mark, and one "item" line per table row with every cell's text as it
prints).

A table row can split across pages, and every page repeats the header row and has a
footer, so the text of the whole page interleaves columns. Instead, each column is
read alone by cropping it with `pdftotext -x -y -W -H`, between the top and bottom
margins (which leaves out the footer). On each page the column's text starts after
its header label; what comes before it (on the first page, the heading above the
table) is dropped. Whitespace is ignored throughout: line breaks depend on layout.

For every column, the pages' text joined must be every row's cell in order, every
character of it:
  * content: exactly the rows' contents one after another;
  * title: each title (and control, if any), then the title marked as continued
    once per page the row continues on;
  * No., category and the document's own columns: each value (a merged column's
    run of equal values once), possibly repeated where a page repeats it;
  * after the last row, only pieces of the text printed below the table (closing
    text, revision history) in their order.

Exits 0 with a one-line summary when all hold, 1 with a message saying where the
text differs otherwise. Standard library only.
"""

import json
import math
import re
import shutil
import subprocess
import sys

CONTEXT = 40


def squash(s):
    """s without any whitespace."""
    return "".join(ch for ch in s if not ch.isspace())


def fail(msg):
    print(f"check_text: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def load_expected(path):
    geometry = labels = None
    items = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                fail(f"{path}:{n}: not JSON: {e}")
            kind = rec.get("kind")
            if kind == "geometry":
                geometry = rec
            elif kind == "labels":
                labels = rec
            elif kind == "item":
                items.append(rec)
    if geometry is None or labels is None or not items:
        fail(f"{path}: needs a geometry line, a labels line and at least one item line")
    return geometry, labels, items


def column_pages(pdf, geometry, column, raw=False):
    """The text of table column `column` (0-based) on each page, cropped by
    pdftotext (in content-stream order with `raw`).

    pdftotext crops in pixels at -r dpi with the origin at the top-left, the same
    orientation as our layout; at 72 dpi a pixel is a point. The crop is taken a
    fraction of a point inside the column so that rounding never lets the
    neighbouring column in (cell text sits a padding away from the rules).
    """
    edges = geometry["column_edges"]
    left, right = edges[column], edges[column + 1]
    top = geometry["margin_top"]
    bottom = geometry["page_height"] - geometry["margin_bottom"]
    x, y = math.ceil(left), math.ceil(top)
    w, h = math.floor(right) - x, math.floor(bottom) - y
    cmd = ["pdftotext", "-r", "72", "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h),
           *(["-raw"] if raw else []), "-enc", "UTF-8", pdf, "-"]
    run = subprocess.run(cmd, capture_output=True)
    if run.returncode != 0:
        fail(f"{' '.join(cmd)} exited {run.returncode}: {run.stderr.decode(errors='replace').strip()}")
    text = run.stdout.decode("utf-8")
    # pdftotext ends every page with a form feed.
    pages = text.split("\f")
    if pages and pages[-1].strip() == "":
        pages.pop()
    return pages


def header_end(lines, label):
    """The index of the line after the column's header label, or None.

    The label is a line of its own (the header cell), or several when it wraps in
    a narrow column: the first run of whole lines that spells it exactly.
    """
    want = squash(label)
    for start in range(len(lines)):
        got = ""
        for i in range(start, len(lines)):
            got += squash(lines[i])
            if got == want:
                return i + 1
            if not want.startswith(got):
                break
    return None


def table_text(pages, label, column_name):
    """Each page's column text after its header label, whitespace removed, joined."""
    out = []
    without = []
    for n, page in enumerate(pages, 1):
        lines = page.split("\n")
        at = header_end(lines, label)
        if at is None:
            # A page without the table (or with its header missing, in which case
            # the comparison below reports the text that is then missing).
            without.append(n)
            continue
        out.append(squash("".join(lines[at:])))
    if len(without) == len(pages):
        fail(f"the {column_name} column's header label {label!r} is on none of the {len(pages)} pages")
    return "".join(out), without


def expected_cells(column, items, continued):
    """The column's expected texts in order: (row description, text, repeat), where
    `repeat` is what may follow the text on later pages (None: nothing)."""
    key = column["key"]
    cells = []
    for item in items:
        where = f"item No. {item['no']}"
        if key == "content":
            cells.append((where, squash(item["content"]), None))
        elif key == "title":
            title = squash(item["title"])
            first = title + squash(item.get("control") or "")
            cells.append((where, first, title + continued))
        else:
            value = item[key] if key in ("no", "category") else item["cells"].get(key, "")
            value = squash(value)
            if column["merge"] and cells and cells[-1][1] == value:
                continue
            cells.append((where, value, value))
    return [c for c in cells if c[1]]


def is_subsequence(part, whole):
    """Whether the characters of `part` occur in `whole` in order."""
    it = iter(whole)
    return all(ch in it for ch in part)


def reads_as_cells(got, cells, after):
    """The length of what repeats in `got` (whitespace removed) if it is
    `cells` in order, each possibly repeated where a page repeats it, then only
    pieces of `after`; None if it is not."""
    pattern = "".join(
        re.escape(text) + (f"(?:{re.escape(again)})*" if again else "")
        for _, text, again in cells
    )
    # Below the table on its last page, the closing text and the revision
    # history cross the column: what the crop holds of them is pieces of their
    # lines, in order, so the text after the last row must be a subsequence of
    # theirs (and nothing when there is none).
    found = re.fullmatch(pattern + "(?P<tail>.*)", got, re.DOTALL)
    if found and is_subsequence(found["tail"], after):
        return len(got) - len(found["tail"]) - sum(len(text) for _, text, _ in cells)
    return None


def check_column(pdf, geometry, index, items, continued, after):
    column = geometry["columns"][index]
    pages = column_pages(pdf, geometry, index)
    got, without = table_text(pages, column["label"], column["key"])
    cells = expected_cells(column, items, continued)
    repeats = reads_as_cells(got, cells, after)
    if repeats is not None:
        return len(pages), len(cells), repeats
    # Say where: walk the cells greedily to the first one that is not there.
    rest, consumed = got, 0
    for where, text, again in cells:
        if not rest.startswith(text):
            break
        rest, consumed = rest[len(text):], consumed + len(text)
        while again and rest.startswith(again):
            rest, consumed = rest[len(again):], consumed + len(again)
    else:
        where, text = "after the last row", ""
    fail(
        f"{column['key']} column ({column['label']!r}) differs from the YAML (whitespace ignored) "
        f"at character {consumed} of the PDF's {len(got)}, {where}:\n"
        f"  expected: ⟦{text[:CONTEXT * 2]}⟧\n"
        f"  PDF text: …{got[max(0, consumed - CONTEXT):consumed]}⟦{rest[:CONTEXT * 2]}⟧\n"
        f"  (pages without the table: {without or 'none'})"
    )


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    pdf, expected = argv[1], argv[2]
    if shutil.which("pdftotext") is None:
        fail("pdftotext is not installed (apt-get install poppler-utils)")
    geometry, labels, items = load_expected(expected)
    continued = squash(labels["continued"])
    after = squash(labels.get("after", ""))
    summary = []
    pages = 0
    for index, column in enumerate(geometry["columns"]):
        pages, cells, repeats = check_column(pdf, geometry, index, items, continued, after)
        summary.append(f"{column['key']} {cells} cells" + (f" (+{repeats} chars repeated)" if repeats else ""))
    print(f"text layer: every cell of {len(items)} rows in order, {pages} pages: " + ", ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
