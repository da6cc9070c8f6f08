import type { WorkPool } from "../api/types";

const WORDS: Record<string, string> = { READY: "Ready", NOT_READY: "Not ready: no online worker", PAUSED: "Paused" };

/** The pool's status in words; Ready means at least one worker polled recently. */
export function PoolStatus({ pool }: { pool: Pick<WorkPool, "status" | "is_paused"> }) {
  const status = pool.is_paused ? "PAUSED" : (pool.status ?? "NOT_READY");
  return <span className={status === "READY" ? "status-online" : "status-offline"}>{WORDS[status] ?? status}</span>;
}
