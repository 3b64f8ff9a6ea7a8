/** The devnet's step-by-step progress: each step's name while it runs, then its duration or the reason it failed. */
export interface Progress {
  step<T>(name: string, run: () => Promise<T>): Promise<T>;
}

export function createProgress(out: NodeJS.WritableStream = process.stdout): Progress {
  return {
    async step(name, run) {
      const started = performance.now();
      out.write(`• ${name} …\n`);
      try {
        const result = await run();
        out.write(`✓ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
        return result;
      } catch (error) {
        out.write(`✗ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
        throw error;
      }
    },
  };
}
