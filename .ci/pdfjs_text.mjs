// Prints the text pdf.js extracts from a PDF, as JSON lines: one object per
// text item, {"page", "x", "y", "str", "eol"} (PDF points, y up), in pdf.js's
// order. Used by check_readers.py.
//
// usage: node pdfjs_text.mjs FILE.pdf   (pdfjs-dist installed beside it)
import { readFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const data = new Uint8Array(readFileSync(process.argv[2]));
const doc = await getDocument({ data, useSystemFonts: false, verbosity: 0 }).promise;
for (let p = 1; p <= doc.numPages; p++) {
  const page = await doc.getPage(p);
  const content = await page.getTextContent();
  for (const item of content.items) {
    if (!("str" in item)) continue;
    const [, , , , x, y] = item.transform;
    process.stdout.write(
      JSON.stringify({ page: p - 1, x, y, w: item.width, str: item.str, eol: item.hasEOL }) + "\n",
    );
  }
}
