/** pino, structured: one root logger per process, a child per module (`{ module: "sequencer" }`). */
import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return destination
    ? pino({ level, base: { pid: process.pid } }, destination)
    : pino({ level, base: { pid: process.pid } });
}
