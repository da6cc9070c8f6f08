/** Prefect's clients announce themselves as `prefect/<version> (API <api version>)`. */
const PREFECT_USER_AGENT = /^prefect\/(\d+)\.(\d+)\.(\d+)(?:[a-z.+0-9]+)? \(API \S+\)$/;

/**
 * Whether the request comes from a Prefect client whose version (major.minor.patch) is at most
 * `max`; false for any other client. For answers that older Prefect clients cannot parse.
 */
export function isPrefectClientAtMost(userAgent: string | undefined, max: readonly [number, number, number]): boolean {
  const m = userAgent ? PREFECT_USER_AGENT.exec(userAgent) : null;
  if (!m) return false;
  const version = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) {
    if (version[i] !== max[i]) return version[i] < max[i];
  }
  return true;
}
