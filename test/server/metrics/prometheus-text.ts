// @ts-expect-error: the parser ships no types; its output is described below.
import parsePrometheusTextFormat from "parse-prometheus-text-format";

export interface ParsedSample {
  labels?: Record<string, string>;
  value?: string;
  count?: string;
  sum?: string;
  buckets?: Record<string, string>;
}
export interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  metrics: ParsedSample[];
}

/**
 * Parses Prometheus text exposition with a real parser (not our own regexes). That parser (1.1.1)
 * drops the labels and counts of labelled histograms, so histograms are parsed a second time as
 * untyped: each of their series (`<name>_count`, `_sum`, `_bucket`) is then a family of its own.
 */
export function parsePrometheus(text: string): Map<string, ParsedFamily> {
  const families = parsePrometheusTextFormat(text) as ParsedFamily[];
  const untyped = parsePrometheusTextFormat(text.replace(/^(# TYPE \S+) histogram$/gm, "$1 untyped")) as ParsedFamily[];
  const byName = new Map<string, ParsedFamily>();
  // A series split by other lines comes back as several families of one name: merged here.
  for (const f of [...families, ...untyped.filter((u) => u.metrics.length > 0)]) {
    const known = byName.get(f.name);
    if (known) known.metrics.push(...f.metrics);
    else byName.set(f.name, { ...f, metrics: [...f.metrics] });
  }
  return byName;
}

/** The sample of a family whose labels include all of `labels`. */
export function sampleOf(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): ParsedSample | undefined {
  return families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}
