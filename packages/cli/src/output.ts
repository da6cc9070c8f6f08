/**
 * People read stdout tables and prose; scripts read `--json`. Diagnostics always go to stderr so
 * that `--json` output stays parseable.
 */
export interface Output {
  json: boolean;
  /** Prose for people; silenced with --json. */
  info(message: string): void;
  /** Always to stderr. */
  warn(message: string): void;
  /** Prints the value as JSON (with --json) or via the human renderer. */
  result(value: unknown, human: () => void): void;
  table(rows: Record<string, unknown>[], columns: { key: string; header: string }[]): void;
}

export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    info(message) {
      if (!json) stdout.write(message + "\n");
    },
    warn(message) {
      stderr.write(message + "\n");
    },
    result(value, human) {
      if (json) stdout.write(JSON.stringify(value, null, 2) + "\n");
      else human();
    },
    table(rows, columns) {
      stdout.write(renderTable(rows, columns));
    },
  };
}

export function renderTable(rows: Record<string, unknown>[], columns: { key: string; header: string }[]): string {
  const cell = (v: unknown): string => (v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.max(c.header.length, ...rows.map((r) => cell(r[c.key]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd() + "\n";
  let out = line(columns.map((c) => c.header));
  out += line(widths.map((w) => "-".repeat(w)));
  for (const r of rows) out += line(columns.map((c) => cell(r[c.key])));
  if (rows.length === 0) out += "(none)\n";
  return out;
}
