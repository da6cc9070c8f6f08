import { useState } from "react";
import { describeError } from "../api/api-error";
import type { FlowRun } from "../api/types";
import { cancelRun } from "./cancel-run";

/** Cancels the selected runs, four at a time, and says which were refused and why. */
export function BulkCancel({ runs, onDone }: { runs: FlowRun[]; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);

  const run = async () => {
    if (!window.confirm(`Cancel ${runs.length} run${runs.length === 1 ? "" : "s"}?`)) return;
    setBusy(true);
    setProblems([]);
    setDone(null);
    const found: string[] = [];
    const queue = [...runs];
    await Promise.all(
      Array.from({ length: Math.min(4, queue.length) }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) {
          try {
            const problem = await cancelRun(r);
            if (problem) found.push(problem);
          } catch (err) {
            found.push(`${r.name}: ${describeError(err)}`);
          }
        }
      }),
    );
    setProblems(found);
    setDone(`Asked to cancel ${runs.length - found.length} of ${runs.length} runs.`);
    setBusy(false);
    onDone();
  };

  return (
    <div>
      <button type="button" className="danger" disabled={runs.length === 0 || busy} onClick={() => void run()}>
        {busy ? "Cancelling…" : `Cancel selected${runs.length ? ` (${runs.length})` : ""}`}
      </button>
      {done && (
        <p role="status" className="muted">
          {done}
        </p>
      )}
      {problems.length > 0 && (
        <div className="error-message" role="alert">
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
