/** A precompiled contract: gas and output for an input, or failure (which consumes all the gas it was given). */
export interface PrecompileResult {
  readonly failed: boolean;
  readonly gasUsed: number;
  readonly output: Uint8Array;
}

export type Precompile = (input: Uint8Array, gasLimit: number) => PrecompileResult;

const EMPTY = new Uint8Array(0);

export const PRECOMPILE_FAILURE: PrecompileResult = { failed: true, gasUsed: 0, output: EMPTY };

/** `output` for `gasUsed`, or failure when the gas does not cover it. */
export function charged(gasUsed: number, gasLimit: number, output: () => Uint8Array): PrecompileResult {
  if (gasUsed > gasLimit) return PRECOMPILE_FAILURE;
  return { failed: false, gasUsed, output: output() };
}

export function words(length: number): number {
  return Math.ceil(length / 32);
}

/** `data` cut or zero-padded on the right to `length` bytes. */
export function rightPadded(data: Uint8Array, length: number): Uint8Array {
  if (data.length >= length) return data.subarray(0, length);
  const out = new Uint8Array(length);
  out.set(data);
  return out;
}
