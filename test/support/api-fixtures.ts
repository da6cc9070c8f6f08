import type { Kysely } from "kysely";
import type { DB } from "../../packages/server/src/database/index.js";
import { newId } from "../../packages/server/src/ids.js";
import { nowTimestamp } from "../../packages/server/src/timestamps.js";
import type { TestServer } from "./test-server.js";

/** Creates a flow through the API and returns its id. */
export async function createFlow(server: TestServer, name = `flow-${newId().slice(-8)}`): Promise<string> {
  const r = await server.request("POST", "/flows/", { name });
  if (r.status !== 201 && r.status !== 200) throw new Error(`flow create failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/** Creates a flow run through the API (SCHEDULED for now unless a state is given) and returns it. */
export async function createFlowRun(server: TestServer, flowId: string, body: Record<string, unknown> = {}): Promise<any> {
  const r = await server.request("POST", "/flow_runs/", { flow_id: flowId, state: { type: "SCHEDULED" }, ...body });
  if (r.status !== 201) throw new Error(`flow run create failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function setState(server: TestServer, runId: string, state: Record<string, unknown>, force?: boolean, kind: "flow_runs" | "task_runs" = "flow_runs") {
  return server.request("POST", `/${kind}/${runId}/set_state`, { state, ...(force === undefined ? {} : { force }) });
}

/**
 * A work pool with its default queue, written straight into the tables: the work-pool endpoints
 * belong to another part of the server, and these tests only need the rows to exist.
 */
export async function insertWorkPool(db: Kysely<DB>, name: string, queues: string[] = ["default"]): Promise<{ poolId: string; queueIds: string[] }> {
  const now = nowTimestamp();
  const poolId = newId();
  await db
    .insertInto("work_pool")
    .values({ id: poolId, created: now, updated: now, name, description: null, type: "process", base_job_template: "{}", is_paused: 0, default_queue_id: null, concurrency_limit: null, status: "NOT_READY", storage_configuration: "{}" })
    .execute();
  const queueIds: string[] = [];
  for (const [i, queue] of queues.entries()) {
    const id = newId();
    queueIds.push(id);
    await db
      .insertInto("work_queue")
      .values({ id, created: now, updated: now, name: queue, description: "", is_paused: 0, concurrency_limit: null, priority: i + 1, work_pool_id: poolId, last_polled: null, status: "NOT_READY" })
      .execute();
  }
  await db.updateTable("work_pool").set({ default_queue_id: queueIds[0] }).where("id", "=", poolId).execute();
  return { poolId, queueIds };
}
