import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { POOL_HINT } from "./describe-pool.js";

function registerPausedSetter(parent: Command, verb: "pause" | "resume"): void {
  const paused = verb === "pause";
  withApiOptions(
    parent
      .command(verb)
      .description(paused ? "Pause a work pool: workers get none of its runs until it is resumed" : "Resume a paused work pool")
      .argument("<name>", "work pool name"),
  ).action(async (name: string, flags: ApiFlags) => {
    const out = createOutput(Boolean(flags.json));
    const client = clientFromSettings(flags);
    await orNotFound(client.updateWorkPool(name, { is_paused: paused }), `Work pool "${name}"`, POOL_HINT);
    const pool = await client.readWorkPool(name);
    out.result(pool, () => out.info(`${paused ? "Paused" : "Resumed"} work pool "${name}".`));
  });
}

export const registerWorkPoolPause = (parent: Command) => registerPausedSetter(parent, "pause");
export const registerWorkPoolResume = (parent: Command) => registerPausedSetter(parent, "resume");
