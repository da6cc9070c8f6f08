// hello: parameters with a JSON Schema (defaults, a form in the UI) and run logs.
import { flow, getRunLogger } from "@ecsflow/sdk";

export const hello = flow(
  {
    name: "hello",
    description: "Greets someone a few times.",
    parameters: {
      type: "object",
      properties: {
        name: { type: "string", title: "Name", default: "world" },
        times: { type: "integer", title: "Times", minimum: 1, maximum: 10, default: 1 },
      },
      additionalProperties: false,
    },
  },
  async ({ name, times }: { name: string; times: number }) => {
    const logger = getRunLogger();
    for (let i = 0; i < times; i++) logger.info(`Hello, ${name}!`);
    return `greeted ${name} ${times} time(s)`;
  },
);
