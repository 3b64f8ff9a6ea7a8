/**
 * EIP-7702 authorization processing, after the sender's nonce bump and before the call (geth's
 * `applyAuthorization`). An invalid authorization is skipped, never fatal to its transaction. The rules are shared:
 * `authorityOf` and `mayDelegate` decide, each engine applies (`processAuthorizations` for @ethereumjs here,
 * `machExecutor.ts` over its own transaction state).
 */
import type { EVM } from "@ethereumjs/evm";
import { Account as EvmAccount, Address as EvmAddress, hexToBytes } from "@ethereumjs/util";
import { recoverAuthority } from "../chain/authorization.ts";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import { PER_AUTH_BASE_COST, PER_EMPTY_ACCOUNT_COST } from "../chain/fees.ts";
import type { Account, Address, Authorization } from "../chain/types.ts";
import type { MachStateManager } from "./stateAdapter.ts";
import { isDelegation } from "./transactionPlan.ts";

const MAX_NONCE = 2n ** 64n - 1n;
const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";

/** Refund for an authority that already existed (it was charged as a new account). */
export const EXISTING_AUTHORITY_REFUND = PER_EMPTY_ACCOUNT_COST - PER_AUTH_BASE_COST;

/** The delegation designator `0xef0100 ‖ address` that an authority's code is set to. */
export function delegationCode(target: Address): Uint8Array {
  const code = new Uint8Array(23);
  code[0] = 0xef;
  code[1] = 0x01;
  code[2] = 0x00;
  code.set(hexToBytes(target), 3);
  return code;
}

/** The code an authorization installs: its designator, or none for the zero address (clears the delegation). */
export function authorizedCode(auth: Authorization): Uint8Array {
  return auth.address === ZERO_ADDRESS ? new Uint8Array(0) : delegationCode(auth.address);
}

/** The authority of an authorization meant for this chain with a usable nonce, or null (skip it). */
export function authorityOf(auth: Authorization, chainId: bigint): Address | null {
  if (auth.chainId !== 0n && auth.chainId !== chainId) return null;
  if (auth.nonce >= MAX_NONCE) return null;
  return recoverAuthority(auth);
}

/** Whether the authority (its account and code) may take the authorization: an EOA or delegated, nonce matching. */
export function mayDelegate(auth: Authorization, account: Account | undefined, code: () => Uint8Array): boolean {
  if (account !== undefined && account.codeHash !== KECCAK_EMPTY && !isDelegation(code())) return false;
  return (account?.nonce ?? 0n) === auth.nonce;
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
    const authority = authorityOf(auth, chainId);
    if (authority === null) continue;
    evm.journal.addAlwaysWarmAddress(authority);
    const account = state.readAccount(authority);
    if (!mayDelegate(auth, account, () => state.readCode(authority))) continue;
    if (account !== undefined) refund += EXISTING_AUTHORITY_REFUND;
    const authorityAddress = new EvmAddress(hexToBytes(authority));
    await evm.journal.putAccount(
      authorityAddress,
      new EvmAccount(auth.nonce + 1n, account?.balance ?? 0n, undefined, hexToBytes(account?.codeHash ?? KECCAK_EMPTY)),
    );
    state.writeCode(authority, authorizedCode(auth));
  }
  return refund;
}
