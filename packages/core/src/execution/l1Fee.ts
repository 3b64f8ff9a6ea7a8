/**
 * The L1 data fee as an executor charges it: every engine (the @ethereumjs one today, Mach's own EVM next) takes the
 * fee of a non-deposit transaction from here. The parameters are read from `L1Block`'s storage in the state the
 * transaction executes against, i.e. after its block's L1-attributes deposit (op-geth `NewL1CostFunc`, op-revm
 * `L1BlockInfo::try_fetch`); the formula is `chain/l1Fee.ts`.
 *
 * Charging (op-geth `buyGas` / `innerTransitionDb`): the sender's balance must cover gasLimit · feeCap + value + l1Fee
 * (else the transaction is invalid), l1Fee is taken with the gas purchase, and credited to the `L1FeeVault` after
 * execution, also when the call reverted. Deposits and eth_call messages pay none.
 */
import { Predeploys } from "../chain/constants.ts";
import { ecotoneL1FeeCharge, L1BlockFeeSlots, type L1FeeCharge, l1FeeParametersFromSlots } from "../chain/l1Fee.ts";
import type { Transaction } from "../chain/types.ts";
import type { StateReader } from "../state/types.ts";

/** Receives the L1 data fee (OP `L1FeeVault` predeploy). */
export const L1_FEE_VAULT = Predeploys.L1FeeVault;

/** The L1 fee a transaction pays in `state`, or undefined when it pays none (deposits). */
export type L1FeeRule = (tx: Transaction, state: StateReader) => L1FeeCharge | undefined;

/** OP Ecotone: the fee of the signed transaction's bytes over the parameters `L1Block` holds in `state`. */
export const ecotoneL1FeeFromState: L1FeeRule = (tx, state) => {
  if (tx.type === 0x7e) return undefined;
  const parameters = l1FeeParametersFromSlots({
    basefee: state.getStorage(Predeploys.L1Block, L1BlockFeeSlots.basefee),
    sequenceNumberAndScalars: state.getStorage(Predeploys.L1Block, L1BlockFeeSlots.sequenceNumberAndScalars),
    blobBaseFee: state.getStorage(Predeploys.L1Block, L1BlockFeeSlots.blobBaseFee),
  });
  return ecotoneL1FeeCharge(tx.raw, parameters);
};
