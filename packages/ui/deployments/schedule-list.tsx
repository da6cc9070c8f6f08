import { useState } from "react";
import { describeError } from "../api/api-error";
import { deleteDeploymentSchedule, setDeploymentScheduleActive } from "../api/deployments";
import type { DeploymentSchedule } from "../api/types";
import { describeSchedule } from "../format/schedule";

/** A deployment's schedules, each with pause/activate and delete; refusals are shown, not swallowed. */
export function ScheduleList({ deploymentId, schedules, onChanged }: { deploymentId: string; schedules: DeploymentSchedule[]; onChanged: () => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const act = async (scheduleId: string, what: string, call: () => Promise<void>) => {
    setBusy(scheduleId);
    setError(null);
    try {
      await call();
      onChanged();
    } catch (err) {
      setError(`Could not ${what}: ${describeError(err)}`);
    } finally {
      setBusy(null);
    }
  };

  if (schedules.length === 0) return <p className="muted">No schedules: runs start only when asked. Add one to run on a cron or an interval.</p>;
  return (
    <>
      {error && (
        <p className="error-message" role="alert">
          {error}
        </p>
      )}
      <ul className="schedule-list" aria-label="Schedules">
        {schedules.map((s) => {
          const text = describeSchedule(s.schedule);
          return (
            <li key={s.id}>
              <span>
                {text} {s.active ? <span className="status-online">Active</span> : <span className="muted">Paused</span>}
              </span>
              <span className="page-actions">
                <button
                  type="button"
                  disabled={busy === s.id}
                  aria-label={`${s.active ? "Pause" : "Activate"} schedule ${text}`}
                  onClick={() => void act(s.id, `${s.active ? "pause" : "activate"} the schedule`, () => setDeploymentScheduleActive(deploymentId, s.id, !s.active))}
                >
                  {s.active ? "Pause" : "Activate"}
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={busy === s.id}
                  aria-label={`Delete schedule ${text}`}
                  onClick={() => {
                    if (!window.confirm(`Delete the schedule "${text}"? Its future scheduled runs are removed.`)) return;
                    void act(s.id, "delete the schedule", () => deleteDeploymentSchedule(deploymentId, s.id));
                  }}
                >
                  Delete
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </>
  );
}
