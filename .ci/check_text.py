#!/usr/bin/env python3
"""Checks the text layer of a built PDF against the YAML it was built from.

Usage: check_text.py PDF EXPECTED.jsonl

EXPECTED.jsonl is the output of
    cargo run --release --example item_texts -- data/kamiless.yaml
(a "geometry" line with the page size, margins and column edges in PDF points from
the top-left corner, a "labels" line, and one "item" line per table row).

A table row can split across pages, and every page repeats the header row and has a
footer, so the text of the whole page interleaves columns. Instead, each column is
read alone by cropping it with `pdftotext -x -y -W -H`, between the top and bottom
margins (which leaves out the footer). On each page the column's text starts after
its header label; what comes before it (on the first page, the heading above the
table) is dropped. Whitespace is ignored throughout: line breaks depend on layout.

  * content column: the pages' text joined must equal all items' content joined;
  * item column: each item's title (and control, if any) in order, each followed
    by the title marked as continued once per page the row continues on.

Exits 0 with a one-line summary when both hold, 1 with a message saying where the
text differs otherwise. Standard library only.
"""

import json
import math
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


def column_pages(pdf, geometry, column):
    """The text of table column `column` (0-based) on each page, cropped by pdftotext.

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
           "-enc", "UTF-8", pdf, "-"]
    run = subprocess.run(cmd, capture_output=True)
    if run.returncode != 0:
        fail(f"{' '.join(cmd)} exited {run.returncode}: {run.stderr.decode(errors='replace').strip()}")
    text = run.stdout.decode("utf-8")
    # pdftotext ends every page with a form feed.
    pages = text.split("\f")
    if pages and pages[-1].strip() == "":
        pages.pop()
    return pages


def table_text(pages, label, column_name):
    """Each page's column text after its header label, whitespace removed, joined.

    The label must be a line of its own (the header cell); on the first page the
    heading above the table may reach into the column but is dropped with
    everything else before the label.
    """
    want = squash(label)
    out = []
    without = []
    for n, page in enumerate(pages, 1):
        lines = page.split("\n")
        at = next((i for i, line in enumerate(lines) if squash(line) == want), None)
        if at is None:
            # A page without the table (or with its header missing, in which case
            # the comparison below reports the text that is then missing).
            without.append(n)
            continue
        out.append(squash("".join(lines[at + 1:])))
    if len(without) == len(pages):
        fail(f"the {column_name} column's header label {label!r} is on none of the {len(pages)} pages")
    return "".join(out), without


def where(expected_spans, pos):
    """The item whose expected text contains position `pos`."""
    for no, start, end in expected_spans:
        if start <= pos < end:
            return f"in item No. {no}"
    return "after the last item"


def first_difference(got, want):
    n = min(len(got), len(want))
    for i in range(n):
        if got[i] != want[i]:
            return i
    return n if len(got) != len(want) else None


def check_contents(pdf, geometry, labels, items):
    pages = column_pages(pdf, geometry, 3)
    got, without = table_text(pages, labels["content"], "content")
    spans, want_parts, pos = [], [], 0
    for item in items:
        part = squash(item["content"])
        spans.append((item["no"], pos, pos + len(part)))
        want_parts.append(part)
        pos += len(part)
    want = "".join(want_parts)
    i = first_difference(got, want)
    if i is not None:
        lo = max(0, i - CONTEXT)
        fail(
            "content column differs from the YAML (whitespace ignored) at character "
            f"{i} of {len(want)}, {where(spans, i)}:\n"
            f"  expected: …{want[lo:i]}⟦{want[i:i + CONTEXT]}⟧\n"
            f"  PDF text: …{got[lo:i]}⟦{got[i:i + CONTEXT]}⟧\n"
            f"  (PDF gives {len(got)} characters, YAML {len(want)}; pages without the table: {without or 'none'})"
        )
    return len(pages)


def check_titles(pdf, geometry, labels, items):
    pages = column_pages(pdf, geometry, 2)
    got, _ = table_text(pages, labels["item"], "item")
    continued = squash(labels["continued"])
    rest = got
    consumed = 0
    continuations = 0
    for item in items:
        title = squash(item["title"])
        first = title + squash(item.get("control") or "")
        if not rest.startswith(first):
            fail(
                f"item column: expected the title of item No. {item['no']} at character {consumed}:\n"
                f"  expected: {first}\n"
                f"  PDF text: {rest[:len(first) + CONTEXT]}"
            )
        rest = rest[len(first):]
        consumed += len(first)
        again = title + continued
        while rest.startswith(again):
            rest = rest[len(again):]
            consumed += len(again)
            continuations += 1
    if rest:
        fail(f"item column: text left over after the last title at character {consumed}: {rest[:2 * CONTEXT]}")
    return continuations


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    pdf, expected = argv[1], argv[2]
    if shutil.which("pdftotext") is None:
        fail("pdftotext is not installed (apt-get install poppler-utils)")
    geometry, labels, items = load_expected(expected)
    pages = check_contents(pdf, geometry, labels, items)
    continuations = check_titles(pdf, geometry, labels, items)
    print(
        f"text layer: {len(items)} titles and {len(items)} contents found "
        f"({pages} pages, {continuations} rows continued on a later page)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
