// `import { flow, task } from "ecsflow"` keeps working: the CLI package re-exports the SDK. A flow
// image needs only @ecsflow/sdk, so new code imports from there.
export * from "@ecsflow/sdk";
