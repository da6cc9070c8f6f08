import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api, REPO, scratchDatabase, spawnServer } from "./support/spawn-server.js";
const dir = mkdtempSync(join(tmpdir(), "ecsflow-prof-"));
writeFileSync(join(dir, "f.mjs"), `import { flow } from ${JSON.stringify(join(REPO, "dist/sdk/index.js"))};\nexport const first = flow({ name: "p" }, async () => { const c = process.cpuUsage(); return { cpu: (c.user + c.system) / 1000, up: performance.now() }; });\n`);
writeFileSync(join(dir, "f.ts"), `import { flow } from ${JSON.stringify(join(REPO, "dist/sdk/index.js"))};\nexport const first = flow({ name: "p" }, async () => { const c = process.cpuUsage(); return { cpu: (c.user + c.system) / 1000, up: performance.now() }; });\n`);
const database = await scratchDatabase("sqlite");
const server = await spawnServer(database.url);
for (const file of ["f.mjs", "f.ts", "f.mjs", "f.ts"]) {
  const flow = await api(server.apiUrl, "POST", "/flows/", { name: "p" });
  const dep = await api(server.apiUrl, "POST", "/deployments/", { name: file, flow_id: flow.id, entrypoint: `${file}:first`, path: dir });
  for (let i = 0; i < 4; i++) {
    const run = await api(server.apiUrl, "POST", `/deployments/${dep.id}/create_flow_run`, {});
    const args = i === 3 ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof", `--cpu-prof-name=${file}.cpuprofile`] : [];
    spawnSync(process.execPath, [...args, join(REPO, "bin/ecsflow.js"), "flow-run", "execute"], { env: { PATH: process.env.PATH ?? "", PREFECT_API_URL: server.apiUrl, PREFECT__FLOW_RUN_ID: run.id, ECSFLOW_HOME: dir }, stdio: "ignore" });
    const done = await api(server.apiUrl, "GET", `/flow_runs/${run.id}`);
    console.log(file, i, done.state_type, JSON.stringify(done.state.data));
  }
}
await server.stop();
await database.drop();
