import type { RunEvent } from "@ecsflow/schemas";
import type { Database } from "../database/index.js";

export type { RunEvent };

export type RunEventListener = (event: RunEvent) => void;

/**
 * The in-process fan-out of run events. Publishers (set_state, run creation, the scheduler) call
 * publish(); the event stream route subscribes. Across server replicas a bridge (postgres-bridge.ts)
 * forwards what is published here and delivers what other replicas published.
 */
export class RunEventBus {
  private readonly listeners = new Set<RunEventListener>();
  private forward: ((events: RunEvent[]) => void) | undefined;

  subscribe(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether anyone would receive an event (a local subscriber, or a bridge to other replicas). */
  get active(): boolean {
    return this.listeners.size > 0 || this.forward !== undefined;
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  publish(events: RunEvent | RunEvent[]): void {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return;
    this.deliver(list);
    this.forward?.(list);
  }

  /** Hands events to local listeners only (a bridge uses this for other replicas' events). */
  deliver(events: RunEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        // A listener's failure must never fail the transition that published the event.
        try {
          listener(event);
        } catch {
          /* the stream route handles its own errors */
        }
      }
    }
  }

  /** Sets where published events also go (one bridge per bus). */
  setForwarder(forward: ((events: RunEvent[]) => void) | undefined): void {
    this.forward = forward;
  }
}

// Keyed by the Kysely instance, as orchestration settings are: routes and services of one app
// (and models that only receive the Database) share the bus without threading it through calls.
const buses = new WeakMap<object, RunEventBus>();

export function runEventsFor(database: Database): RunEventBus {
  let bus = buses.get(database.db);
  if (!bus) {
    bus = new RunEventBus();
    buses.set(database.db, bus);
  }
  return bus;
}

/** Columns of a run row an event is made from. */
export interface RunEventSource {
  id: string;
  flow_run_id?: string | null;
  state_type: string | null;
  state_name: string | null;
  work_pool_name?: string | null;
  work_queue_name?: string | null;
  deployment_id?: string | null;
  next_scheduled_start_time?: string | null;
}

export function runEventFrom(kind: RunEvent["kind"], row: RunEventSource, occurred: string): RunEvent {
  return {
    kind,
    id: row.id,
    flow_run_id: kind === "flow_run" ? row.id : (row.flow_run_id ?? null),
    state_type: row.state_type,
    state_name: row.state_name,
    work_pool_name: row.work_pool_name ?? null,
    work_queue_name: row.work_queue_name ?? null,
    deployment_id: row.deployment_id ?? null,
    scheduled_time: row.state_type === "SCHEDULED" ? (row.next_scheduled_start_time ?? null) : null,
    occurred,
  };
}
