import { readFileSync } from "node:fs";
import { loadavg } from "node:os";

/**
 * CPU seconds (user + system, all threads) a process has used, from /proc (Linux); NaN elsewhere.
 * On these shared machines CPU time per operation is steadier than wall-clock rates, which
 * swing with whatever else runs.
 */
export function processCpuSeconds(pid: number): number {
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
