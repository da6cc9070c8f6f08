// Webhook notifications: subscriptions over the API, deliveries queued after committed
// transitions and sent by the delivery service to a real local receiver (node:http, port 0).

import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, createFlowRun, setState } from "../../support/api-fixtures.js";
import { ENGINES } from "../../support/test-database.js";
import { startTestServer, type TestServer } from "../../support/test-server.js";
import { waitFor } from "../../support/wait-for.js";

interface Received {
  body: string;
  signature: string | undefined;
}

/** A receiver whose answers a test scripts: each request gets the next status (the last repeats); "hang" never answers. */
async function startReceiver(script: (number | "hang")[]) {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks).toString("utf8"), signature: req.headers["x-ecsflow-signature"] as string | undefined });
      const answer = script[Math.min(received.length - 1, script.length - 1)];
      if (answer === "hang") return void hanging.push(res);
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((r) => {
        hanging.forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const logLines: string[] = [];
const logger = pino(
  { level: "trace" },
  new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
);

describe.each(ENGINES)("notifications on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine, {
      logger,
      services: { notificationDelivery: { enabled: true, loopSeconds: 0.05, baseBackoffMs: 20, maxBackoffMs: 100, maxAttempts: 5, timeoutMs: 300 } },
    });
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`delivers a signed JSON event with the run's state, and lists the subscription's last delivery ${skipReason}`, async () => {
    const receiver = await startReceiver([200]);
    try {
      const created = await server.request("POST", "/ecsflow/notifications", { url: receiver.url, state_types: ["COMPLETED"], tags: ["notify-json"] });
      expect(created.status).toBe(201);
      const { secret, id } = created.body;
      expect(secret).toMatch(/^[\w-]{40,}$/);
      const run = await createFlowRun(server, await createFlow(server), { tags: ["notify-json"] });
      await setState(server, run.id, { type: "RUNNING" });
      const other = await createFlowRun(server, await createFlow(server), { tags: ["elsewhere"] });
      await setState(server, other.id, { type: "COMPLETED" });
      expect((await setState(server, run.id, { type: "COMPLETED" })).body.status).toBe("ACCEPT");
      const [delivery] = await waitFor("the delivery", async () => (receiver.received.length > 0 ? receiver.received : undefined));
      const expected = `sha256=${createHmac("sha256", secret).update(delivery.body).digest("hex")}`;
      expect(delivery.signature).toBe(expected);
      const event = JSON.parse(delivery.body);
      expect(event.flow_run).toMatchObject({ id: run.id, tags: ["notify-json"], state: { type: "COMPLETED", name: "Completed" } });
      const listed = await waitFor("the status", async () => {
        const r = (await server.request("GET", `/ecsflow/notifications/${id}`)).body;
        return r.last_delivery_status === "DELIVERED" ? r : undefined;
      });
      expect(listed.last_delivery_attempts).toBe(1);
      expect(listed).not.toHaveProperty("secret");
      expect((await server.request("GET", "/ecsflow/notifications")).body.every((n: object) => !("secret" in n))).toBe(true);
      // Only the matching run's COMPLETED was sent (not RUNNING, not the other run).
      expect(receiver.received).toHaveLength(1);
      expect(logLines.join("\n")).not.toContain(secret);
      expect((await server.request("DELETE", `/ecsflow/notifications/${id}`)).status).toBe(204);
      expect((await server.request("GET", `/ecsflow/notifications/${id}`)).status).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it.skipIf(!available)(`retries a receiver answering 500 twice, then delivers on the third attempt (Slack format) ${skipReason}`, async () => {
    const receiver = await startReceiver([500, 500, 200]);
    try {
      const { id, secret } = (await server.request("POST", "/ecsflow/notifications", { url: receiver.url, format: "slack", state_names: ["Failed"], tags: ["notify-retry"] })).body;
      const run = await createFlowRun(server, await createFlow(server), { tags: ["notify-retry"] });
      await setState(server, run.id, { type: "RUNNING" });
      await setState(server, run.id, { type: "FAILED", message: "boom" });
      const listed = await waitFor("delivered", async () => {
        const r = (await server.request("GET", `/ecsflow/notifications/${id}`)).body;
        return r.last_delivery_status === "DELIVERED" ? r : undefined;
      });
      expect(listed.last_delivery_attempts).toBe(3);
      expect(receiver.received).toHaveLength(3);
      const text = JSON.parse(receiver.received[2].body).text as string;
      expect(text).toContain(run.id);
      expect(text).toContain("Failed");
      expect(receiver.received[2].signature).toBe(`sha256=${createHmac("sha256", secret).update(receiver.received[2].body).digest("hex")}`);
      expect(logLines.join("\n")).not.toContain(secret);
    } finally {
      await receiver.close();
    }
  });

  it.skipIf(!available)(`accepts state transitions while the receiver hangs ${skipReason}`, async () => {
    const receiver = await startReceiver(["hang"]);
    try {
      const { id } = (await server.request("POST", "/ecsflow/notifications", { url: receiver.url, tags: ["notify-hang"] })).body;
      const run = await createFlowRun(server, await createFlow(server), { tags: ["notify-hang"] });
      const states = ["PENDING", "RUNNING", "COMPLETED"];
      for (const type of states) expect((await setState(server, run.id, { type })).body.status).toBe("ACCEPT");
      expect((await server.request("GET", `/flow_runs/${run.id}`)).body.state_type).toBe("COMPLETED");
      await waitFor("a timed-out attempt", async () => {
        const r = (await server.request("GET", `/ecsflow/notifications/${id}`)).body;
        return r.last_delivery_error?.includes("no answer") ? r : undefined;
      });
      expect(receiver.received.length).toBeGreaterThan(0);
    } finally {
      await receiver.close();
    }
  });

  it.skipIf(!available)(`refuses bad URLs with 422 on body.url and stores nothing ${skipReason}`, async () => {
    const before = (await server.request("GET", "/ecsflow/notifications")).body.length;
    for (const url of ["ftp://example.com/x", "not a url", "http://", "http://169.254.169.254/latest/meta-data/", "https://[fe80::1]/x", "http://[::ffff:169.254.1.1]/"]) {
      const r = await server.request("POST", "/ecsflow/notifications", { url });
      expect(r.status, url).toBe(422);
      expect(JSON.stringify(r.body.detail), url).toContain("url");
    }
    expect((await server.request("POST", "/ecsflow/notifications", { url: "https://example.com/x", state_types: ["NOPE"] })).status).toBe(422);
    expect((await server.request("GET", "/ecsflow/notifications")).body).toHaveLength(before);
  });
});
