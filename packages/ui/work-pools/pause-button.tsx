import { useState } from "react";
import { describeError } from "../api/api-error";

/** Pauses or resumes a pool or queue; a refusal is shown next to the button, not swallowed. */
export function PauseButton({ what, paused, onChange }: { what: string; paused: boolean; onChange: (paused: boolean) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      await onChange(!paused);
    } catch (err) {
      setError(`Could not ${paused ? "resume" : "pause"} ${what}: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <button type="button" onClick={toggle} disabled={busy} aria-label={`${paused ? "Resume" : "Pause"} ${what}`}>
        {paused ? "Resume" : "Pause"}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {" "}
          {error}
        </span>
      )}
    </span>
  );
}
