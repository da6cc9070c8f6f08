import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../database/index.js";

/**
 * The server's Prometheus metrics, one registry per database (so every app, route and background
 * service over one database counts into the same series, and tests with several servers do not
 * mix). Runs by state is computed on scrape with one grouped query, so nothing on set_state's hot
 * path maintains it.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly transitions: Counter<"kind" | "from" | "to">;
  readonly claimLatency: Histogram;
  readonly httpDuration: Histogram<"method" | "route" | "status_code">;

  constructor(database: Database) {
    const registers = [this.registry];
    this.transitions = new Counter({
      name: "ecsflow_state_transitions_total",
      help: "Accepted state transitions, by run kind and from/to state type.",
      labelNames: ["kind", "from", "to"],
      registers,
    });
    this.claimLatency = new Histogram({
      name: "ecsflow_flow_run_claim_latency_seconds",
      help: "From a flow run's scheduled start time to its claim (SCHEDULED to PENDING); 0 when claimed ahead of time.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.httpDuration = new Histogram({
      name: "ecsflow_http_request_duration_seconds",
      help: "HTTP request duration by method, route pattern and status code.",
      labelNames: ["method", "route", "status_code"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    new Gauge({
      name: "ecsflow_flow_runs",
      help: "Flow runs by state type (counted when scraped).",
      labelNames: ["state"],
      registers,
      async collect() {
        const rows = await database.db.selectFrom("flow_run").select(["state_type"]).select((eb) => eb.fn.countAll<number>().as("n")).groupBy("state_type").execute();
        this.reset();
        for (const row of rows) this.set({ state: row.state_type ?? "NONE" }, Number(row.n));
      },
    });
  }
}

// Keyed by database, as the orchestration settings are: setRunState only receives the Database.
const metrics = new WeakMap<object, ServerMetrics>();
const disabled = new WeakSet<object>();

/** Turns metrics on or off for a database's apps (on unless an app says otherwise). */
export function configureServerMetrics(database: Database, enabled: boolean): ServerMetrics | undefined {
  if (!enabled) {
    disabled.add(database.db);
    return undefined;
  }
  disabled.delete(database.db);
  return serverMetricsFor(database);
}

/** The database's metrics, or undefined when they are off. */
export function serverMetricsFor(database: Database): ServerMetrics | undefined {
  if (disabled.has(database.db)) return undefined;
  let m = metrics.get(database.db);
  if (!m) {
    m = new ServerMetrics(database);
    metrics.set(database.db, m);
  }
  return m;
}
