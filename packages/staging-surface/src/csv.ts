/**
 * Parses CSV (RFC 4180: comma separated, "quoted" fields with "" for a quote, line breaks inside
 * quotes) into records keyed by the header row, each with the line it started on. A malformed
 * line (an unterminated quote, a record longer than the header) is reported, never guessed at.
 */
export interface CsvRecord {
  readonly line: number;
  readonly values: Record<string, string>;
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

export function parseCsv(text: string): CsvResult {
  const rows: { line: number; fields: string[] }[] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let fieldStarted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
      continue;
    }
    if (char === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
      fields = [];
      field = '';
      fieldStarted = false;
      line += 1;
      rowLine = line;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (quoted) return { ok: false, line: rowLine, message: 'a quoted field is never closed' };
  fields.push(field);
  if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });

  const header = rows.shift();
  if (header === undefined) return { ok: true, records: [] };
  const records: CsvRecord[] = [];
  for (const row of rows) {
    if (row.fields.length !== header.fields.length) {
      return {
        ok: false,
        line: row.line,
        message: `has ${row.fields.length} fields but the header names ${header.fields.length}`,
      };
    }
    const values: Record<string, string> = {};
    header.fields.forEach((name, position) => {
      values[name.trim()] = row.fields[position]!;
    });
    records.push({ line: row.line, values });
  }
  return { ok: true, records };
}
