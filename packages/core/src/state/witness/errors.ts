/**
 * Witness errors. An invalid witness does not fit the block it claims (malformed bytes, headers that do not chain to
 * the block's parent): drop it and fetch it again. An incomplete one lacks something the block needs (a trie node on a
 * key's path, a contract's code, a block hash): the stateless executor stops with this error rather than guess, so it
 * never computes a wrong root.
 */
import type { MachErrorOptions } from "../../errors.ts";
import { StateError } from "../errors.ts";

export class InvalidWitnessError extends StateError {
  override name = "InvalidWitnessError";
  constructor(details: string, options: MachErrorOptions = {}) {
    super("Invalid block witness", { ...options, details, docsPath: "/state/witness" });
  }
}

export class IncompleteWitnessError extends StateError {
  override name = "IncompleteWitnessError";
  /** What was missing: `trie node …`, `code of …`, `block hash …`. */
  readonly missing: string;
  constructor(missing: string, options: MachErrorOptions = {}) {
    super("Incomplete block witness", {
      ...options,
      details: `the block needs ${missing}`,
      docsPath: "/state/witness",
    });
    this.missing = missing;
  }
}
