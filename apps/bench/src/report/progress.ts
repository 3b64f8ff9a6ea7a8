/**
 * A progress bar on stderr (only when stderr is a TTY; otherwise one plain line per step, so CI logs stay
 * readable). `total` is the run's planned steps: each `status()` starts the next one; `tick()` redraws the elapsed
 * time inside a long step.
 */
export interface Progress {
  status(message: string): void;
  tick(): void;
  done(): void;
}

export interface ProgressOptions {
  readonly total: number;
  readonly stream?: NodeJS.WriteStream;
  readonly now?: () => number;
}

export function renderBar(fraction: number, width: number): string {
  const clamped = Math.max(0, Math.min(1, fraction));
  const filled = Math.round(clamped * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(clamped * 100).toFixed(0).padStart(3)}%`;
}

export function createProgress({
  total,
  stream = process.stderr,
  now = () => performance.now(),
}: ProgressOptions): Progress {
  const tty = stream.isTTY === true;
  const started = now();
  let done = 0;
  let message = "";
  let lastDraw = 0;
  const draw = (force: boolean) => {
    if (!tty) return;
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const elapsed = ((t - started) / 1000).toFixed(0);
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 60));
    const line = `${renderBar(done / Math.max(1, total), width)} ${elapsed}s ${message}`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
  };
  return {
    status(next) {
      if (message !== "") done++;
      message = next;
      if (tty) draw(true);
      else stream.write(`[bench] ${next}\n`);
    },
    tick() {
      draw(false);
    },
    done() {
      if (tty) stream.write("\r\x1b[2K");
    },
  };
}
