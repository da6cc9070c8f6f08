const SIGNALS: Record<number, string> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  4: "SIGILL",
  6: "SIGABRT",
  8: "SIGFPE",
  9: "SIGKILL",
  11: "SIGSEGV",
  13: "SIGPIPE",
  14: "SIGALRM",
  15: "SIGTERM",
};

/**
 * A plain-language reading of an exit code for a run's CRASHED message: users see "137" and
 * need to know it usually means the memory limit, not a bug in their flow.
 */
export function explainExitCode(code: number | null | undefined, signal?: string | null): string {
  if (signal) return explainSignal(signal);
  if (code === null || code === undefined) return "The infrastructure vanished without reporting an exit code (the process or task was removed from outside).";
  if (code === 0) return "Exit code 0: the command succeeded.";
  switch (code) {
    case 1:
      return "Exit code 1: the command failed (a general error; see the run's logs above this line).";
    case 2:
      return "Exit code 2: the command was used wrongly (bad arguments or a shell syntax error).";
    case 4:
      return "Exit code 4: `ecsflow flow-run execute` could not reach the API. Check that PREFECT_API_URL in the run's environment points at the server as seen from the run (not 127.0.0.1 inside a container), and the network path to it.";
    case 5:
      return "Exit code 5: `ecsflow flow-run execute` ran the flow, which did not end COMPLETED; see its final state and logs.";
    case 126:
      return "Exit code 126: the command was found but could not be executed (permission denied or not an executable).";
    case 127:
      return "Exit code 127: command not found. Check the `command` job variable and that the image (or host) has that program on its PATH.";
    case 137:
      return "Exit code 137 (SIGKILL): the process was killed, most often for exceeding its memory limit (out of memory); otherwise it was stopped forcibly. Raise `memory` or reduce the flow's memory use.";
    case 139:
      return "Exit code 139 (SIGSEGV): the process crashed with a segmentation fault.";
    case 143:
      return "Exit code 143 (SIGTERM): the process was asked to stop (a cancel, a StopTask, a scale-in or a host shutdown) and exited.";
    case 130:
      return "Exit code 130 (SIGINT): the process was interrupted.";
    case 134:
      return "Exit code 134 (SIGABRT): the process aborted itself (an assertion or a fatal runtime error).";
  }
  if (code > 128 && code < 160) {
    const sig = SIGNALS[code - 128];
    return `Exit code ${code}: the process was terminated by signal ${code - 128}${sig ? ` (${sig})` : ""}.`;
  }
  if (code < 0) return `Exit code ${code}: the process was terminated abnormally.`;
  return `Exit code ${code}: the command failed; see the run's logs for its error output.`;
}

function explainSignal(signal: string): string {
  const number = Object.entries(SIGNALS).find(([, name]) => name === signal)?.[0];
  return number ? explainExitCode(128 + Number(number)) : `The process was terminated by signal ${signal}.`;
}
