import { randomBytes, randomInt } from "node:crypto";

/** Task IDs as Fargate makes them: 32 hexadecimal characters. */
export function newTaskId(): string {
  return randomBytes(16).toString("hex");
}

/** Docker-style 64-hex container runtime ID. */
export function newRuntimeId(): string {
  return randomBytes(32).toString("hex");
}

/** Uppercase letters and digits, as in IAM's AROA… role IDs. */
export function newUpperAlnum(length: number): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let out = "";
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
  return out;
}

/** Mixed-case letters and digits, as in the 6-character suffix of Secrets Manager ARNs. */
export function newAlnum(length: number): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
  return out;
}

/** ECS service deployment IDs: `ecs-svc/` and 19 digits. */
export function newDeploymentId(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 18; i++) digits += String(randomInt(10));
  return `ecs-svc/${digits}`;
}
