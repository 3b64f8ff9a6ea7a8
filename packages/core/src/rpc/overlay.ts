/**
 * A throwaway writable overlay over a StateReader with eth_call state overrides applied, for backends implementing
 * `RpcBackend.call`: `executor.call(createOverlayState(stateAt(target), override), message, env)`. The overlay is
 * the state layer's `OverlayState`; writes stay in it and the base state is never touched.
 */
import { applyStateOverrides, OverlayState } from "../state/overlay.ts";
import type { StateReader, StateWriter } from "../state/types.ts";
import type { StateOverride } from "./backend.ts";

export function createOverlayState(base: StateReader, override?: StateOverride): StateWriter {
  const overlay = new OverlayState(base);
  if (override !== undefined) applyStateOverrides(overlay, override);
  return overlay;
}
