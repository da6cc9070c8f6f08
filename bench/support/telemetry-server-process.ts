// The telemetry-overhead bench's server: metrics and tracing both set up, each switched on or off
// while it runs by a line on stdin ("set <metrics on|off> <tracing on|off>", answered "SET …"), so
// every variant is measured in the same process and one process's luck (memory layout, JIT
// decisions) falls on all of them alike. Prints "LISTENING <api url>" once it accepts requests;
// "mark" starts a measured window; "flush" sends the spans buffered and answers "FLUSHED <CPU
// microseconds since the mark>".
import { createInterface } from "node:readline";
import { buildApp } from "../../packages/server/src/app.js";
import { openDatabase } from "../../packages/server/src/database/index.js";
import { configureServerMetrics } from "../../packages/server/src/metrics/index.js";
import { startTracing } from "../../packages/telemetry/src/index.js";
import { activeTracing, setActiveTracing } from "../../packages/telemetry/src/tracing-state.js";

const [url, otlpEndpoint] = process.argv.slice(2);
const tracing = await startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint }, serviceName: "ecsflow-bench", asyncContext: false });
const active = activeTracing();
if (!active) throw new Error("tracing did not start");
const database = await openDatabase({ url, sqliteSynchronous: "NORMAL" });
const app = await buildApp({ database, closeDatabase: true, metrics: true });
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
process.stdout.write(`LISTENING http://127.0.0.1:${port}/api\n`);

let windowStart = process.cpuUsage();
createInterface({ input: process.stdin }).on("line", (line) => {
  const [verb, metrics, traced] = line.trim().split(/\s+/);
  // The spans still buffered go out now, inside the measured window of the variant that made them.
  // A window's CPU is read here, by getrusage (all threads, to the microsecond): /proc's clock
  // ticks are 10 ms, coarse for windows of a tenth of a second.
  if (verb === "mark") {
    windowStart = process.cpuUsage();
    process.stdout.write("MARKED\n");
  }
  if (verb === "flush")
    void tracing.forceFlush().then(() => {
      const used = process.cpuUsage(windowStart);
      process.stdout.write(`FLUSHED ${used.user + used.system}\n`);
    });
  if (verb !== "set") return;
  configureServerMetrics(database, metrics === "on");
  // Off: every span path finds no active tracing and does nothing, as in a server started without an endpoint.
  setActiveTracing(traced === "on" ? active : undefined);
  void tracing.forceFlush().then(() => process.stdout.write(`SET ${metrics} ${traced}\n`));
});
const stop = () => void app.close().then(() => tracing.shutdown()).then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
