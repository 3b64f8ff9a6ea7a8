/**
 * Contracts created on the chain, named by the artifact they were built from: each mini-block's state diff carries
 * the code of every account whose code it set (deploys from transactions and from factories alike), matched against
 * the loaded artifacts (`bytecodeMatch.ts`). `mach_status.abis` lists them, so the dashboard decodes their logs.
 * Bounded: past `maxContracts` matches, later ones are dropped (logged once).
 */
import type { StateDiff } from "../../chain/stateDiff.ts";
import type { KnownContract } from "../../rpc/statusSource.ts";
import type { Logger } from "../../telemetry.ts";
import type { BytecodeMatcher } from "./bytecodeMatch.ts";

export class DeployedContracts {
  readonly #matcher: BytecodeMatcher;
  readonly #maxContracts: number;
  readonly #logger: Logger;
  readonly #known = new Map<string, KnownContract>();
  #full = false;

  constructor(matcher: BytecodeMatcher, maxContracts: number, logger: Logger) {
    this.#matcher = matcher;
    this.#maxContracts = maxContracts;
    this.#logger = logger;
  }

  /** Matches the code each account of `diff` received. */
  follow(diff: StateDiff): void {
    if (this.#matcher.size === 0) return;
    for (const account of diff.accounts) {
      if (account.code === undefined || account.code.length === 0 || account.account === null) continue;
      const artifact = this.#matcher.match(account.code, account.account.codeHash);
      if (artifact === undefined) continue;
      if (this.#known.size >= this.#maxContracts && !this.#known.has(account.address)) {
        if (!this.#full) this.#logger.warn({ max: this.#maxContracts }, "known contracts full: later ones not named");
        this.#full = true;
        continue;
      }
      this.#known.set(account.address, { address: account.address, name: artifact.name, abi: artifact.abi });
      this.#logger.debug({ address: account.address, contract: artifact.name }, "contract matched to its artifact");
    }
  }

  list(): readonly KnownContract[] {
    return [...this.#known.values()];
  }
}
