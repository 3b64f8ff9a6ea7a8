/** A test logger that keeps each line (the shape of `src/telemetry.ts`'s `Logger`), for tests that assert on logs. */
import type { Logger } from "../src/telemetry.ts";

/** A logger that keeps each line's level, message and fields; its children log into the same lines. */
export function capturingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, message, fields: fields as Record<string, unknown> });
    };
  const logger: Logger = {
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
    child: () => logger,
  };
  return { logger, lines, messages: () => lines.map((line) => line.message) };
}
