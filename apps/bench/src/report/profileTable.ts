/** The profile summary as text: the top self-time functions of the sequencer. */
import type { ProfileSummary } from "../suites/profile.ts";

export function renderProfile(summary: ProfileSummary): string {
  const lines = [
    `Sequencer profile, ${summary.workload} load${summary.load ? ` (${summary.load.transactions} tx at ${summary.load.txPerSecond.toFixed(0)} tx/s)` : ""}: ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${summary.idlePercent.toFixed(1)}% idle`,
    `profile: ${summary.profileFile} (counted: ${summary.window})`,
    "",
    "  self ms   self %  function  (location)",
  ];
  for (const e of summary.top) {
    lines.push(
      `${e.selfMs.toFixed(0).padStart(9)}  ${e.selfPercent.toFixed(1).padStart(6)}%  ${e.functionName}  (${e.location})`,
    );
  }
  lines.push("", "  self ms   self %  area");
  for (const a of summary.areas)
    lines.push(`${a.selfMs.toFixed(0).padStart(9)}  ${a.selfPercent.toFixed(1).padStart(6)}%  ${a.area}`);
  return lines.join("\n");
}
