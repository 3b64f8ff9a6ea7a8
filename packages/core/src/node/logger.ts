/** pino, structured: one root logger per process, a child per module (`{ module: "sequencer" }`). */
import { pino } from "pino";
import type { Logger } from "../telemetry.ts";

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return destination
    ? pino({ level, base: { pid: process.pid } }, destination)
    : pino({ level, base: { pid: process.pid } });
}
