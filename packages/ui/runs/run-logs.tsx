import { useMemo, useState } from "react";
import { EmptyState } from "../components/empty-state";
import { ErrorMessage } from "../components/error-message";
import { Loading } from "../components/loading";
import { LOG_LEVELS, levelName } from "../format/log-levels";
import { formatClock, formatCount } from "../format/time";
import { MAX_LOG_LINES, useRunLogs } from "./use-run-logs";
import type { LogEntry } from "../api/types";


function logText(logs: LogEntry[]): string {
  return logs.map((l) => `${l.timestamp} ${levelName(l.level).padEnd(8)} ${l.name} - ${l.message}`).join("\n") + "\n";
}

function Highlighted({ text, query }: { text: string; query: string }) {
  if (!query) return <>{text}</>;
  const parts = text.split(new RegExp(`(${query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})`, "gi"));
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : p))}</>;
}

/** Live tail with a level filter (server-side), a search (in the loaded lines) and a download. */
export function RunLogs({ flowRunId, runName, live }: { flowRunId: string; runName: string; live: boolean }) {
  const [minLevel, setMinLevel] = useState(0);
  const [query, setQuery] = useState("");
  const { logs, error, loading, truncated } = useRunLogs(flowRunId, minLevel, live);
  const shown = useMemo(() => (query ? logs.filter((l) => l.message.toLowerCase().includes(query.toLowerCase())) : logs), [logs, query]);

  const download = () => {
    const url = URL.createObjectURL(new Blob([logText(logs)], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${runName}-logs.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div>
      <div className="filters">
        <label>
          Level
          <select value={minLevel} onChange={(e) => setMinLevel(Number(e.target.value))}>
            {LOG_LEVELS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.value === 0 ? "All levels" : `${l.name} and above`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search logs
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <button type="button" onClick={download} disabled={logs.length === 0}>
          Download
        </button>
        <span className="muted" aria-live="polite">
          {live ? "Live: new lines appear as they arrive." : ""} {query ? `${shown.length} of ${logs.length} lines match.` : `${logs.length} lines.`}
        </span>
      </div>
      <ErrorMessage error={error} title="Logs could not be loaded" />
      {loading && logs.length === 0 && <Loading what="Loading logs" />}
      {!loading && logs.length === 0 && !error && (
        <EmptyState title={minLevel ? "No log lines at this level." : "No logs yet."}>
          {live ? "Lines appear here as the run writes them." : "This run wrote no logs to the server."}
        </EmptyState>
      )}
      {truncated && <p className="notice">Showing the first {formatCount(MAX_LOG_LINES)} lines.</p>}
      {shown.length > 0 && (
        <div className="logs" role="log" aria-label="Run logs" tabIndex={0}>
          {shown.map((l) => (
            <div key={l.id} className={`log-line${l.level >= 40 ? " log-error" : ""}`}>
              <time dateTime={l.timestamp}>{formatClock(new Date(l.timestamp), true)}</time>
              <span>{levelName(l.level)}</span>
              <span className="msg">
                <Highlighted text={l.message} query={query} />
              </span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
