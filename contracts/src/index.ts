// The TypeScript side of `@mach/contracts`, re-exported by the generated module next to the ABIs and bytecode:
//
//   protocol.ts      addresses, game type and status numbering, DA ids, attestation typed data
//   l1Fee.ts         the Ecotone L1 data fee (what the node charges, what GasPriceOracle answers)
//   l1BlockInfo.ts   the L1-info deposit's packed calldata (encode/decode) and L1Block's storage slots
//   systemConfig.ts  SystemConfig's update types and the version-0 batcher hash
//
// Data flow for the node: SystemConfig (L1) ─scalars, batcherHash→ encodeL1BlockInfoEcotone → L1-info deposit →
// L1Block (L2) ─storage→ ecotoneL1FeeParametersFromStorage → ecotoneL1Fee per transaction.
export {
  decodeL1BlockInfoEcotone,
  ecotoneL1FeeParametersFromStorage,
  ecotoneL1FeeParametersOf,
  encodeL1BlockInfoEcotone,
  InvalidL1BlockInfoError,
  L1_BLOCK_INFO_ECOTONE_BYTES,
  type L1BlockInfoEcotone,
  l1BlockStorageSlots,
  SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR,
} from "./l1BlockInfo.ts";
export {
  ECOTONE_FEE_DIVISOR,
  ECOTONE_SCALAR_DECIMALS,
  type EcotoneL1FeeParameters,
  ecotoneL1Cost,
  ecotoneL1Fee,
  ecotoneL1GasUsed,
  gasPriceOracleL1Fee,
  gasPriceOracleL1GasUsed,
  UNSIGNED_TX_PADDING_L1_GAS,
} from "./l1Fee.ts";
export {
  daCertStatus,
  daProviderIds,
  gameStatus,
  l1BlockDepositorAccount,
  l1ToL2AliasOffset,
  machOutputGameType,
  multicall3Address,
  outputAttestationDomain,
  outputAttestationTypes,
  predeploys,
} from "./protocol.ts";
export { batcherFromHash, systemConfigUpdateTypes, toBatcherHash } from "./systemConfig.ts";
