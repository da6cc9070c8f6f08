import { useId, useMemo, useState, type FormEvent } from "react";
import { ApiError, describeError } from "../api/api-error";
import { createDeploymentSchedule, type ScheduleInput } from "../api/deployments";
import { FormActions } from "../components/form-actions";

const UNITS = [
  { value: 60, label: "minutes" },
  { value: 3600, label: "hours" },
  { value: 86_400, label: "days" },
  { value: 1, label: "seconds" },
];

const SCHEDULE_FIELDS = ["cron", "interval", "timezone", "anchor_date"];

/** The 422 items of POST /deployments/{id}/schedules by schedule field (loc body → 0 → schedule → field). */
export function scheduleErrorsFromApi(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  for (const issue of err.issues) {
    const field = [...issue.loc].reverse().find((p) => typeof p === "string" && SCHEDULE_FIELDS.includes(p));
    if (field) out[String(field)] = [out[String(field)], issue.msg].filter(Boolean).join("; ");
  }
  return out;
}

/** The browser's IANA time zones, for suggestions; the server has the last word on validity. */
function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    return [];
  }
}

/**
 * Adds a schedule: a cron expression in a time zone, or an interval. Only the obvious is checked
 * here (present, a positive number); the cron syntax and the zone are the server's to judge, and its
 * 422 lands at the field it names.
 */
export function ScheduleForm({ deploymentId, onCreated, onCancel }: { deploymentId: string; onCreated: () => void; onCancel: () => void }) {
  const id = useId();
  const zones = useMemo(timeZones, []);
  const [kind, setKind] = useState<"cron" | "interval">("cron");
  const [cron, setCron] = useState("0 * * * *");
  const [every, setEvery] = useState("1");
  const [unit, setUnit] = useState(3600);
  const [timezone, setTimezone] = useState("UTC");
  const [active, setActive] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const schedule: ScheduleInput = { timezone: timezone.trim() || null };
    if (kind === "cron") {
      if (!cron.trim()) found.cron = "Cron expression is required";
      schedule.cron = cron.trim();
    } else {
      const n = Number(every);
      if (!every.trim() || !Number.isFinite(n) || n <= 0) found.interval = "Interval must be a positive number";
      schedule.interval = n * unit;
    }
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      await createDeploymentSchedule(deploymentId, schedule, active);
      onCreated();
    } catch (err) {
      const byField = scheduleErrorsFromApi(err);
      setErrors(byField);
      // The field already says what is wrong; repeat the server's words only when it names none.
      setFailure(Object.keys(byField).length ? "The schedule was not added: the server refused the field marked above." : `The schedule was not added: ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const invalid = (key: string) => ({ "aria-invalid": errors[key] ? true : undefined, "aria-describedby": errors[key] ? `${id}-${key}-error` : undefined });
  const error = (key: string) =>
    errors[key] && (
      <span id={`${id}-${key}-error`} className="field-error">
        {errors[key]}
      </span>
    );
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Add schedule">
      <fieldset className="field">
        <legend>Kind</legend>
        <label className="checkbox">
          <input type="radio" name={`${id}-kind`} checked={kind === "cron"} onChange={() => setKind("cron")} /> Cron
        </label>
        <label className="checkbox">
          <input type="radio" name={`${id}-kind`} checked={kind === "interval"} onChange={() => setKind("interval")} /> Interval
        </label>
      </fieldset>
      {kind === "cron" ? (
        <div className="field">
          <label htmlFor={`${id}-cron`}>Cron expression</label>
          <input id={`${id}-cron`} className="mono" value={cron} onChange={(e) => setCron(e.target.value)} {...invalid("cron")} />
          {!errors.cron && <span className="field-help">minute hour day-of-month month day-of-week, e.g. 30 6 * * 1-5</span>}
          {error("cron")}
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-every`}>Every</label>
          <span className="inline-form">
            <input id={`${id}-every`} inputMode="decimal" size={6} value={every} onChange={(e) => setEvery(e.target.value)} {...invalid("interval")} />
            <label htmlFor={`${id}-unit`} className="visually-hidden">
              Unit
            </label>
            <select id={`${id}-unit`} value={unit} onChange={(e) => setUnit(Number(e.target.value))}>
              {UNITS.map((u) => (
                <option key={u.value} value={u.value}>
                  {u.label}
                </option>
              ))}
            </select>
          </span>
          {error("interval")}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-timezone`}>Time zone</label>
        <input id={`${id}-timezone`} list={`${id}-zones`} value={timezone} onChange={(e) => setTimezone(e.target.value)} {...invalid("timezone")} />
        <datalist id={`${id}-zones`}>
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {!errors.timezone && <span className="field-help">An IANA name such as Europe/Paris; cron times are read in it.</span>}
        {error("timezone")}
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active (creates runs)
      </label>
      <FormActions failure={failure} busy={busy} submitLabel="Add schedule" busyLabel="Adding…" onCancel={onCancel} />
    </form>
  );
}
