import { readdir, readFile } from "node:fs/promises";

/**
 * The processes on this host that run a flow run (their environment carries
 * PREFECT__FLOW_RUN_ID), read from /proc. A restarted worker uses it to find runs its predecessor
 * started but had not yet recorded. Linux only; elsewhere (and for other users' processes, whose
 * environment is unreadable) it finds nothing, which only means fewer runs are adopted.
 */
export async function findRunProcesses(procDir = "/proc"): Promise<{ pid: number; flowRunId: string }[]> {
  let entries: string[];
  try {
    entries = await readdir(procDir);
  } catch {
    return [];
  }
  const found: { pid: number; flowRunId: string }[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        const pid = Number(e);
        // Only the run's process-group leader (what the worker started); its children share the env.
        if (!(await isGroupLeader(pid, procDir))) return;
        const flowRunId = await flowRunIdOf(pid, procDir);
        if (flowRunId) found.push({ pid, flowRunId });
      }),
  );
  return found;
}

async function isGroupLeader(pid: number, procDir: string): Promise<boolean> {
  try {
    const stat = await readFile(`${procDir}/${pid}/stat`, "latin1");
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so read after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[2]) === pid;
  } catch {
    return false;
  }
}

/** The flow run a live process runs (its PREFECT__FLOW_RUN_ID), or null (gone, unreadable, none). */
export async function flowRunIdOf(pid: number, procDir = "/proc"): Promise<string | null> {
  try {
    const environ = await readFile(`${procDir}/${pid}/environ`, "latin1");
    for (const entry of environ.split("\0")) if (entry.startsWith("PREFECT__FLOW_RUN_ID=")) return entry.slice("PREFECT__FLOW_RUN_ID=".length);
  } catch {
    /* gone or not ours */
  }
  return null;
}
