import { EC2Client, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { ECSClient, ListClustersCommand } from "@aws-sdk/client-ecs";
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { createServer } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveStartOptions } from "../../packages/cli/src/commands/ecs-local/start-options.js";
import { AccessControl } from "../../packages/ecs-local/src/access/access-control.js";
import { startFixture, type Fixture } from "./ecs-local-fixture.js";

// ecs-local started with credentials: AWS calls must be signed with the configured access key id
// and its secret (verified), admin routes need the admin token; Secrets Manager hands its secrets
// to nobody else.

const ACCESS = { accessKeyId: "ecsflowlocal", secretAccessKey: "local-secret-key-0123", adminToken: "admin-token-0123456789" };
const SECRET_VALUE = "pnu_the_api_key_in_secrets_manager";

type Creds = { accessKeyId: string; secretAccessKey: string };
const clientConfig = (f: Fixture, credentials: Creds) => ({ endpoint: f.handle.url, region: "us-east-1", credentials, maxAttempts: 1 });

/** The AWS error name and message a call ended with, or "ok". */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

describe("ecs-local with access credentials", () => {
  let f: Fixture;
  const routes: { method: string | string[]; url: string }[] = [];

  beforeAll(async () => {
    f = await startFixture({ access: ACCESS, onRoute: (r) => routes.push(r) });
    const sm = new SecretsManagerClient(clientConfig(f, ACCESS));
    await sm.send(new CreateSecretCommand({ Name: "ecsflow/api-key", SecretString: SECRET_VALUE }));
    sm.destroy();
  });
  afterAll(async () => f?.handle.close());

  it("serves requests the SDK signs with the configured key, on every protocol (JSON, query, EC2)", async () => {
    const ecs = new ECSClient(clientConfig(f, ACCESS));
    const sts = new STSClient(clientConfig(f, ACCESS));
    const ec2 = new EC2Client(clientConfig(f, ACCESS));
    const sm = new SecretsManagerClient(clientConfig(f, ACCESS));
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns?.length).toBeGreaterThan(0);
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe("000000000000");
    expect((await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.length).toBeGreaterThan(0);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: "ecsflow/api-key" }))).SecretString).toBe(SECRET_VALUE);
    for (const c of [ecs, sts, ec2, sm]) c.destroy();
  });

  it("refuses another access key id, and the right one with a wrong secret, with AWS's codes", async () => {
    const other = { accessKeyId: "test", secretAccessKey: "test" };
    const wrongSecret = { accessKeyId: ACCESS.accessKeyId, secretAccessKey: "not-the-secret" };
    const cases: [Creds, string[]][] = [
      [other, ["UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"]],
      [wrongSecret, ["InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"]],
    ];
    for (const [creds, [json, query, ec2Code]] of cases) {
      const ecs = new ECSClient(clientConfig(f, creds));
      const sts = new STSClient(clientConfig(f, creds));
      const ec2 = new EC2Client(clientConfig(f, creds));
      expect(await outcome(ecs.send(new ListClustersCommand({})))).toMatch(new RegExp(`^${json}:`));
      expect(await outcome(sts.send(new GetCallerIdentityCommand({})))).toMatch(new RegExp(`^${query}:`));
      expect(await outcome(ec2.send(new DescribeVpcsCommand({})))).toMatch(new RegExp(`^${ec2Code}:`));
      for (const c of [ecs, sts, ec2]) c.destroy();
    }
  });

  it("never hands a secret's value to a caller it does not know, and no error message carries it", async () => {
    const seen: string[] = [];
    for (const creds of [
      { accessKeyId: "test", secretAccessKey: "test" },
      { accessKeyId: ACCESS.accessKeyId, secretAccessKey: "wrong-secret" },
    ]) {
      const sm = new SecretsManagerClient(clientConfig(f, creds));
      seen.push(await outcome(sm.send(new GetSecretValueCommand({ SecretId: "ecsflow/api-key" }))));
      sm.destroy();
    }
    expect(seen.every((s) => s !== "ok")).toBe(true);
    for (const s of seen) expect(s).not.toContain(SECRET_VALUE.slice(4));
    // Only the one authorised call of the first test answered with the value.
    expect(f.exchanges.filter((e) => e.body.includes(SECRET_VALUE.slice(4))).map((e) => `${e.operation} ${e.httpStatus}`)).toEqual(["GetSecretValue 200"]);
  });

  it("refuses a signed request whose body was changed after signing", async () => {
    const ecs = new ECSClient(clientConfig(f, ACCESS));
    // After the signer (finalizeRequest), before the wire: what a tampering proxy would do.
    ecs.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body?: string; headers: Record<string, string> };
        req.body = JSON.stringify({ maxResults: 1 });
        req.headers["content-length"] = String(Buffer.byteLength(req.body));
        return next(args);
      },
      { step: "deserialize", priority: "low" },
    );
    expect(await outcome(ecs.send(new ListClustersCommand({})))).toMatch(/^InvalidSignatureException: (The request signature we calculated does not match|X-Amz-Content-Sha256 does not match the body)/);
    ecs.destroy();
  });

  it("accepts task role credentials ecs-local issued, signed by the SDK, and checks their signature", async () => {
    // Capture what the SDK sends with temporary credentials, then judge it as ecs-local would.
    const captured = await new Promise<{ method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }>((resolve) => {
      const server = createServer((req, res) => {
        let body = "";
        req.on("data", (d) => (body += String(d)));
        req.on("end", () => {
          res.writeHead(500).end();
          server.close();
          resolve({ method: req.method!, url: req.url!, headers: req.headers, body });
        });
      }).listen(0, "127.0.0.1", () => {
        const port = (server.address() as { port: number }).port;
        const ecs = new ECSClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", maxAttempts: 1, credentials: { accessKeyId: "ASIATASK0001", secretAccessKey: "task-secret-0001" } });
        ecs.send(new ListClustersCommand({})).catch(() => ecs.destroy());
      });
    });
    const scope = { accessKeyId: "ASIATASK0001", date: String(captured.headers["x-amz-date"]).slice(0, 8), region: "us-east-1", service: "ecs" };
    const issued = new AccessControl(ACCESS, (id) => (id === "ASIATASK0001" ? "task-secret-0001" : undefined));
    expect(issued.checkAws(scope, captured, Date.now())).toBeUndefined();
    expect(issued.checkAws(scope, { ...captured, body: captured.body.replace("}", ',"x":1}') }, Date.now())?.kind).toBe("bad-signature");
    // Once the task has stopped, its credentials are unknown.
    expect(new AccessControl(ACCESS, () => undefined).checkAws(scope, captured, Date.now())?.kind).toBe("unknown-key");
    // A captured request replayed long after is refused.
    expect(issued.checkAws(scope, captured, Date.now() + 60 * 60_000)?.message).toMatch(/^Signature expired/);
  });

  it("puts every admin route behind the admin token, however its path is spelled; health stays open", async () => {
    const admin = routes.filter((r) => r.url.startsWith("/_ecs-local/") && !r.url.startsWith("/_ecs-local/v4/") && !r.url.startsWith("/_ecs-local/credentials/") && r.url !== "/_ecs-local/health");
    expect(admin.length).toBeGreaterThanOrEqual(10);
    const port = f.handle.port;
    const status = (method: string, target: string, headers: string[] = []) =>
      new Promise<number>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1");
        let text = "";
        socket.on("error", reject);
        socket.on("data", (d) => (text += String(d)));
        socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
        const body = method === "PUT" ? '{"rules":[]}' : "";
        socket.write([`${method} ${target} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close", ...headers, ...(body ? ["Content-Type: application/json", `Content-Length: ${body.length}`] : []), "", body].join("\r\n"));
      });
    const refused: string[] = [];
    let tried = 0;
    for (const r of admin) {
      for (const method of [r.method].flat()) {
        if (method === "HEAD") continue;
        const path = r.url.replace(/:\w+/g, "none");
        for (const [target, headers] of [
          [path, []],
          [path, ["Authorization: Bearer wrong-token"]],
          [path, [`X-Api-Key: ${ACCESS.adminToken}`]],
          [path, [`Authorization: Bearer ${ACCESS.adminToken}`, "Authorization: Bearer wrong-token"]],
          [path.replace("/_ecs", "/%5fecs"), []],
          [`http://127.0.0.1:${port}${path}`, []],
        ] as [string, string[]][]) {
          tried++;
          const s = await status(method, target, headers);
          // 401 from the admin guard, or 403 from the AWS side when the router did not match an admin route.
          if (s !== 401 && s !== 403) refused.push(`${method} ${target} ${headers.join(" ")} → ${s}`);
        }
      }
    }
    expect(refused).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(60);
    expect(await status("GET", "/_ecs-local/counters", [`Authorization: Bearer ${ACCESS.adminToken}`])).toBe(200);
    expect(await status("GET", "/_ecs-local/health")).toBe(200);
  });

  it("refuses bad access options at start", async () => {
    await expect(startFixture({ access: { accessKeyId: "a/b" } })).rejects.toThrow(/access.accessKeyId/);
    await expect(startFixture({ access: { accessKeyId: "ok", secretAccessKey: "short" } })).rejects.toThrow(/access.secretAccessKey/);
  });
});

describe("ecsflow ecs-local start's access options", () => {
  it("takes the access key id from a flag or the environment, the secrets from the environment only", () => {
    const env = { ECSFLOW_ECS_LOCAL_SECRET_ACCESS_KEY: "secret-key-0123", ECSFLOW_ECS_LOCAL_ADMIN_TOKEN: "admin-token-0123" };
    expect(resolveStartOptions({ accessKeyId: "ecsflowlocal" }, env, "/repo/bin/ecsflow.js").access).toEqual({ accessKeyId: "ecsflowlocal", secretAccessKey: "secret-key-0123", adminToken: "admin-token-0123" });
    expect(resolveStartOptions({}, { ...env, ECSFLOW_ECS_LOCAL_ACCESS_KEY_ID: "fromenv" }, "/repo/bin/ecsflow.js").access?.accessKeyId).toBe("fromenv");
    expect(resolveStartOptions({}, {}, "/repo/bin/ecsflow.js").access).toBeUndefined();
    expect(() => resolveStartOptions({}, env, "/repo/bin/ecsflow.js")).toThrow(/need an access key id/);
  });
});

describe("ecs-local without access credentials", () => {
  it("listens on loopback by default", async () => {
    const f = await startFixture();
    try {
      expect(f.handle.host).toBe("127.0.0.1");
    } finally {
      await f.handle.close();
    }
  });
});
