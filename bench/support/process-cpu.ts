import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";

/**
 * CPU seconds (user + system, all threads) a process has used, from /proc (Linux); NaN elsewhere.
 * On these shared machines CPU time per operation is steadier than wall-clock rates, which
 * swing with whatever else runs.
 */
export function processCpuSeconds(pid: number): number {
  // The scheduler's own count, in nanoseconds, summed over the live threads: /proc's stat counts
  // 10 ms ticks, a resolution of about 1 % for a second of work. (A thread that ended takes its
  // time with it; a server at steady state keeps its threads.)
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    if (Number.isFinite(ns) && ns > 0) return ns / 1e9;
  } catch {
    // No schedstat (an older kernel, another OS): the ticks below.
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    const ticksPerSecond = 100; // USER_HZ, 100 on every Linux we run on
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return NaN;
  }
}

/** The 1-minute load average, to print beside rates measured on a machine others share. */
export function loadAverage1m(): number {
  return Number(loadavg()[0].toFixed(2));
}
