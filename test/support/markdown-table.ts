// Reads a table out of a markdown document (docs/access-policy.md), so tests can hold the code to
// what the document says.

const cells = (line: string) =>
  line
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim());

/** The table whose first column is headed `heading` (another table may have a column of that name). */
export function markdownTable(doc: string, heading: string): { header: string[]; rows: string[][] } {
  const lines = doc.split("\n");
  const at = lines.findIndex((l) => l.startsWith(`| ${heading} |`));
  if (at < 0) throw new Error(`no table starting with "${heading}"`);
  const end = lines.findIndex((l, i) => i > at && !l.startsWith("|"));
  return { header: cells(lines[at]!), rows: lines.slice(at + 2, end < 0 ? undefined : end).map(cells) };
}
