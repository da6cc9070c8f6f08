import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import type { Notification, NotificationCreated } from "@ecsflow/schemas";

const list = (text: string | undefined) => (text ? text.split(",").map((s) => s.trim()).filter(Boolean) : []);

interface CreateFlags extends ApiFlags {
  name?: string;
  format: string;
  states?: string;
  stateNames?: string;
  deployment?: string;
  pool?: string;
  tag?: string;
}

/** `ecsflow notification create|ls|rm`: webhooks called when flow runs enter chosen states. */
export function registerNotification(program: Command): void {
  const notification = program.command("notification").description("Webhooks (JSON or Slack) called when flow runs enter chosen states");

  withApiOptions(
    notification
      .command("create")
      .description("Subscribe a webhook; prints its signing secret once")
      .argument("<url>", "http(s) URL to POST to")
      .option("--name <name>", "a name for people")
      .option("--format <format>", "json or slack", "json")
      .option("--states <types>", "state types, comma-separated (e.g. COMPLETED,FAILED,CRASHED); default all")
      .option("--state-names <names>", "state names, comma-separated (e.g. Late)")
      .option("--deployment <ids>", "only runs of these deployment ids, comma-separated")
      .option("--pool <names>", "only runs of these work pools, comma-separated")
      .option("--tag <tags>", "only runs with one of these tags, comma-separated"),
  ).action(async (url: string, flags: CreateFlags) => {
    const out = createOutput(Boolean(flags.json));
    const created = await clientFromSettings(flags).request<NotificationCreated>("POST", "/ecsflow/notifications", {
      url,
      format: flags.format,
      ...(flags.name ? { name: flags.name } : {}),
      state_types: list(flags.states),
      state_names: list(flags.stateNames),
      deployment_ids: list(flags.deployment),
      work_pool_names: list(flags.pool),
      tags: list(flags.tag),
    });
    out.result(created, () => {
      out.info(`Created notification ${created.id} → ${created.url}`);
      out.info(`Signing secret (shown only now; deliveries carry X-Ecsflow-Signature: sha256=HMAC-SHA256(secret, body)):\n${created.secret}`);
    });
  });

  withApiOptions(notification.command("ls").description("List notifications with their last delivery")).action(async (flags: ApiFlags) => {
    const out = createOutput(Boolean(flags.json));
    const rows = await clientFromSettings(flags).request<Notification[]>("GET", "/ecsflow/notifications");
    out.result(rows, () =>
      out.table(
        rows.map((n) => ({
          id: n.id,
          name: n.name,
          url: n.url,
          states: [...n.state_types, ...n.state_names].join(",") || "all",
          last: n.last_delivery_status ? `${n.last_delivery_status} (${n.last_delivery_attempts} attempts)${n.last_delivery_error ? `: ${n.last_delivery_error}` : ""}` : "-",
        })),
        [
          { key: "id", header: "ID" },
          { key: "name", header: "NAME" },
          { key: "url", header: "URL" },
          { key: "states", header: "STATES" },
          { key: "last", header: "LAST DELIVERY" },
        ],
      ),
    );
  });

  withApiOptions(notification.command("rm").description("Delete a notification").argument("<id>", "notification id")).action(async (id: string, flags: ApiFlags) => {
    const out = createOutput(Boolean(flags.json));
    await orNotFound(clientFromSettings(flags).request("DELETE", `/ecsflow/notifications/${encodeURIComponent(id)}`), `Notification "${id}"`, "List them with `ecsflow notification ls`.");
    out.result({ deleted: "notification", id }, () => out.info(`Deleted notification ${id}.`));
  });
}
