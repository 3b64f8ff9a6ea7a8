/**
 * EIP-7702 authorization processing, after the sender's nonce bump and before the call (geth's
 * `applyAuthorization`). An invalid authorization is skipped, never fatal to its transaction.
 */
import type { EVM } from "@ethereumjs/evm";
import { Account as EvmAccount, Address as EvmAddress, hexToBytes } from "@ethereumjs/util";
import { recoverAuthority } from "../chain/authorization.ts";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import { PER_AUTH_BASE_COST, PER_EMPTY_ACCOUNT_COST } from "../chain/fees.ts";
import type { Address, Authorization } from "../chain/types.ts";
import type { MachStateManager } from "./stateAdapter.ts";

const MAX_NONCE = 2n ** 64n - 1n;
const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";

/** The delegation designator `0xef0100 ‖ address` that an authority's code is set to. */
export function delegationCode(target: Address): Uint8Array {
  const code = new Uint8Array(23);
  code[0] = 0xef;
  code[1] = 0x01;
  code[2] = 0x00;
  code.set(hexToBytes(target), 3);
  return code;
}

/** Applies each valid authorization; returns the refund for authorities that already existed. */
export async function processAuthorizations(
  evm: EVM,
  state: MachStateManager,
  chainId: bigint,
  authorizations: readonly Authorization[],
): Promise<bigint> {
  let refund = 0n;
  for (const auth of authorizations) {
    if (auth.chainId !== 0n && auth.chainId !== chainId) continue;
    if (auth.nonce >= MAX_NONCE) continue;
    const authority = recoverAuthority(auth);
    if (authority === null) continue;
    evm.journal.addAlwaysWarmAddress(authority);
    const account = state.readAccount(authority);
    if (account !== undefined && account.codeHash !== KECCAK_EMPTY) {
      const code = state.readCode(authority);
      if (!(code.length === 23 && code[0] === 0xef && code[1] === 0x01 && code[2] === 0x00)) continue;
    }
    const nonce = account?.nonce ?? 0n;
    if (nonce !== auth.nonce) continue;
    if (account !== undefined) refund += PER_EMPTY_ACCOUNT_COST - PER_AUTH_BASE_COST;
    const authorityAddress = new EvmAddress(hexToBytes(authority));
    await evm.journal.putAccount(
      authorityAddress,
      new EvmAccount(nonce + 1n, account?.balance ?? 0n, undefined, hexToBytes(account?.codeHash ?? KECCAK_EMPTY)),
    );
    state.writeCode(authority, auth.address === ZERO_ADDRESS ? new Uint8Array(0) : delegationCode(auth.address));
  }
  return refund;
}
