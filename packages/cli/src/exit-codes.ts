// The exit codes are a contract shared with the SDK's `flow-run execute` and the worker's exit-code explanations.
export { ExitCode } from "@ecsflow/schemas";
