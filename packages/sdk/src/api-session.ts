import { EcsflowClient, LogBatcher } from "@ecsflow/client";
import { loadSettings } from "@ecsflow/settings";

/**
 * One API connection for a top-level flow call and everything it calls: the client, the log
 * batcher (flushed when the flow ends) and the ids of flows already registered.
 */
export class ApiSession {
  readonly batcher: LogBatcher;
  private readonly flowIds = new Map<string, Promise<string>>();

  constructor(readonly client: EcsflowClient) {
    this.batcher = new LogBatcher({
      send: (logs) => client.createLogs(logs),
      onError: (err, info) => {
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`ecsflow: could not ship run logs (${message}); ${info.pending} waiting, ${info.dropped} dropped\n`);
      },
    });
  }

  /** The flow's id, registering it once per session (POST /flows/ upserts by name). */
  flowId(name: string): Promise<string> {
    let id = this.flowIds.get(name);
    if (!id) {
      id = this.client.createFlow(name).then((f) => f.id);
      id.catch(() => this.flowIds.delete(name));
      this.flowIds.set(name, id);
    }
    return id;
  }

  close(): Promise<void> {
    return this.batcher.close();
  }
}

/**
 * A session when the settings name an API (`PREFECT_API_URL` / `ECSFLOW_API_URL`), else
 * undefined: the flow then runs and logs locally only.
 */
export function sessionFromSettings(): ApiSession | undefined {
  const settings = loadSettings();
  const apiUrl = settings["api.url"];
  if (!apiUrl) return undefined;
  return new ApiSession(new EcsflowClient({ apiUrl, apiKey: settings["api.key"], authString: settings["api.auth_string"], userAgent: "ecsflow-sdk" }));
}
