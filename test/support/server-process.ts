// A second ecsflow server in its own process, over an existing database: for tests of several
// servers sharing one database. Prints "LISTENING <api url>" once it accepts requests.
import { buildApp } from "../../packages/server/src/app.js";
import { openDatabase } from "../../packages/server/src/database/index.js";

const url = process.argv[2];
// SQLite durability: tests use NORMAL (fast); benchmarks pass FULL, the server's default.
const synchronous = process.argv[3] === "FULL" ? "FULL" : "NORMAL";
const database = await openDatabase({ url, sqliteSynchronous: synchronous });
const app = await buildApp({ database, closeDatabase: true });
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
process.stdout.write(`LISTENING http://127.0.0.1:${port}/api\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
