/** Replaces every known secret (API keys, AWS secret keys, session tokens) with "***" in text. */
export class SecretMasker {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined | null> = []) {
    // Longest first, so a secret that contains another is masked whole; very short values would
    // mask ordinary words, so they are left out (no real key is that short).
    this.secrets = [...new Set([...secrets].filter((s): s is string => typeof s === "string" && s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  /** A masker that also knows `more`. */
  with(more: Iterable<string | undefined | null>): SecretMasker {
    return new SecretMasker([...this.secrets, ...more]);
  }

  mask(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join("***");
    return out;
  }

  /** A deep copy of a JSON-like value with every string masked. */
  maskValue<T>(value: T): T {
    if (typeof value === "string") return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.maskValue(v)) as T;
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskValue(v)])) as T;
    return value;
  }
}
