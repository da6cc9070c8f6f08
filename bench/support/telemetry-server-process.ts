// A server process for the telemetry-overhead bench: metrics on or off, tracing on (exporting to
// the OTLP endpoint given) or off. Prints "LISTENING <api url>" once it accepts requests.
import { buildApp } from "../../packages/server/src/app.js";
import { openDatabase } from "../../packages/server/src/database/index.js";
import { startTracing } from "../../packages/telemetry/src/index.js";

const [url, metrics, otlpEndpoint] = process.argv.slice(2);
const tracing = await startTracing({ env: otlpEndpoint && otlpEndpoint !== "-" ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint } : {}, serviceName: "ecsflow-bench", asyncContext: false });
const database = await openDatabase({ url, sqliteSynchronous: "NORMAL" });
const app = await buildApp({ database, closeDatabase: true, metrics: metrics === "on" });
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
process.stdout.write(`LISTENING http://127.0.0.1:${port}/api ${tracing.config.enabled ? "tracing" : "no-tracing"}\n`);
const stop = () => void app.close().then(() => tracing.shutdown()).then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
