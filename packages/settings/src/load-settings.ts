import { existsSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SETTING_DEFINITIONS, type SettingDefinition, type SettingKey, type Settings } from "./definitions.js";
import { SettingsError } from "./errors.js";

export interface LoadSettingsOptions {
  /** Values from command-line flags; undefined entries are ignored. Highest precedence. */
  flags?: Partial<Record<SettingKey, string | number | boolean | undefined>>;
  /** The environment to read; defaults to process.env. Only this module reads the environment. */
  env?: Record<string, string | undefined>;
  /** Profile file (JSON object of setting keys); defaults to `<home>/config.json`. */
  profilePath?: string;
}

function coerce(key: string, def: SettingDefinition, raw: unknown, source: string): string | number | boolean {
  if (def.type === "number") {
    const n = typeof raw === "number" ? raw : Number(String(raw).trim());
    if (!Number.isFinite(n) || String(raw).trim() === "") {
      throw new SettingsError(`Setting ${key} from ${source} must be a number, got ${JSON.stringify(raw)}.`, key);
    }
    return n;
  }
  if (def.type === "boolean") {
    if (typeof raw === "boolean") return raw;
    const s = String(raw).trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(s)) return true;
    if (["0", "false", "no", "off", ""].includes(s)) return false;
    throw new SettingsError(`Setting ${key} from ${source} must be true or false, got ${JSON.stringify(raw)}.`, key);
  }
  return String(raw);
}

export function isSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(SETTING_DEFINITIONS, key);
}

export function defaultProfilePath(env: Record<string, string | undefined> = process.env): string {
  const home = resolveOne("home", {}, env, {}) as string;
  return join(home, "config.json");
}

export function readProfile(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new SettingsError(`Profile file ${path} is not valid JSON; fix or delete it.`, "profile", { cause });
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SettingsError(`Profile file ${path} must hold a JSON object of settings.`, "profile");
  }
  return parsed as Record<string, unknown>;
}

/** Writes one key into the profile file (used by `ecsflow config set`). */
export function writeProfileValue(path: string, key: string, value: string | undefined): void {
  if (!isSettingKey(key)) {
    throw new SettingsError(`Unknown setting ${key}. Known settings: ${Object.keys(SETTING_DEFINITIONS).join(", ")}.`, key);
  }
  const profile = readProfile(path);
  if (value === undefined) delete profile[key];
  else profile[key] = coerce(key, SETTING_DEFINITIONS[key], value, "the command line");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(profile, null, 2) + "\n", { mode: 0o600 });
}

function resolveOne(
  key: SettingKey,
  flags: LoadSettingsOptions["flags"] & object,
  env: Record<string, string | undefined>,
  profile: Record<string, unknown>,
  partial: Record<string, unknown> = {},
): string | number | boolean | undefined {
  const def: SettingDefinition = SETTING_DEFINITIONS[key];
  const flag = flags[key];
  if (flag !== undefined) return coerce(key, def, flag, "the command line");
  for (const name of def.env) {
    const v = env[name];
    if (v !== undefined && v !== "") return coerce(key, def, v, `environment variable ${name}`);
  }
  if (profile[key] !== undefined && profile[key] !== null) return coerce(key, def, profile[key], "the profile file");
  const d = def.default;
  return typeof d === "function" ? d(partial) : d;
}

/** Resolves every setting: flag > environment > profile file > default. */
export function loadSettings(options: LoadSettingsOptions = {}): Settings {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const home = resolveOne("home", flags, env, {}) as string;
  const profile = readProfile(options.profilePath ?? join(home, "config.json"));
  const out: Record<string, unknown> = { home };
  for (const key of Object.keys(SETTING_DEFINITIONS) as SettingKey[]) {
    if (key === "home") continue;
    const value = resolveOne(key, flags, env, profile, out);
    if (value !== undefined) out[key] = value;
  }
  return out as Settings;
}

/** A copy safe to print: secret values replaced. */
export function redactSettings(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) {
    const def = (SETTING_DEFINITIONS as Record<string, SettingDefinition>)[k];
    out[k] = def?.secret && v !== undefined ? redactValue(k, String(v)) : v;
  }
  return out;
}

function redactValue(key: string, value: string): string {
  // Database URLs are useful to see, their passwords are not.
  if (key === "server.database_url") return value.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:****@");
  return "****";
}
