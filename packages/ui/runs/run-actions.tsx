import { useState } from "react";
import { describeError } from "../api/api-error";
import { createFlowRunFromDeployment } from "../api/deployments";
import type { FlowRun } from "../api/types";
import { navigate } from "../router/history";
import { Link } from "../router/link";
import { cancelRun, canCancel } from "./cancel-run";

/**
 * Cancel; retry (a new run of the same deployment with the same parameters and job variables);
 * run again with changed parameters (the deployment's run form, filled from this run).
 */
export function RunActions({ run, onChanged }: { run: FlowRun; onChanged: () => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const cancel = async () => {
    if (!window.confirm(`Cancel ${run.name}?`)) return;
    setBusy("cancel");
    setMessage(null);
    try {
      const problem = await cancelRun(run);
      setMessage(problem ? { error: true, text: problem } : { error: false, text: "Cancellation requested." });
      onChanged();
    } catch (err) {
      setMessage({ error: true, text: `Could not cancel: ${describeError(err)}` });
    } finally {
      setBusy(null);
    }
  };

  const retry = async () => {
    if (!run.deployment_id) return;
    setBusy("retry");
    setMessage(null);
    try {
      const created = await createFlowRunFromDeployment(run.deployment_id, {
        parameters: run.parameters,
        ...(run.job_variables && Object.keys(run.job_variables).length ? { job_variables: run.job_variables } : {}),
        tags: run.tags,
      });
      navigate(`/runs/${created.id}`);
    } catch (err) {
      setMessage({ error: true, text: `Could not start a new run: ${describeError(err)}` });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page-actions">
      {canCancel(run) && (
        <button type="button" className="danger" disabled={busy !== null} onClick={() => void cancel()}>
          {busy === "cancel" ? "Cancelling…" : "Cancel run"}
        </button>
      )}
      {run.deployment_id && (
        <>
          <button type="button" disabled={busy !== null} onClick={() => void retry()}>
            {busy === "retry" ? "Starting…" : "Retry (new run)"}
          </button>
          <Link className="button" to={`/deployments/${run.deployment_id}/run?from=${run.id}`}>
            Run again with changes
          </Link>
        </>
      )}
      {message && (
        <p role={message.error ? "alert" : "status"} className={message.error ? "error-message" : "muted"} style={{ flexBasis: "100%" }}>
          {message.text}
        </p>
      )}
    </div>
  );
}
