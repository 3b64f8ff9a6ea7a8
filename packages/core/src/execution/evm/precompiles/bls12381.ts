/** EIP-2537 BLS12-381 precompiles (0x0b–0x11, Prague): input checks and gas here, curve maths in @noble/curves. */
import { EVMError, NobleBLS } from "@ethereumjs/evm";
import { PRECOMPILE_FAILURE, type Precompile, type PrecompileResult } from "./types.ts";

// @ethereumjs/evm's EIP-2537 encoding over @noble/curves' bls12_381.
const bls = new NobleBLS();

/** EIP-2537 MSM discounts (per mille) by pair count, the last one for every larger count. */
const G1_DISCOUNT = [
  1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661, 658, 654, 651,
  648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604, 603, 601,
  599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576, 575, 574, 573, 572, 570,
  569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547,
  547, 546, 545, 544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531, 530, 529, 528,
  528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519,
];
const G2_DISCOUNT = [
  1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693, 688, 683, 679,
  674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615, 613, 611,
  609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582, 580, 579, 578, 576, 575,
  574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551,
  550, 549, 548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535, 534, 533, 532,
  532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524,
];

function msmGas(pairs: number, perPair: number, discounts: readonly number[]): number {
  if (pairs === 0) return 0;
  const discount = discounts[Math.min(pairs, discounts.length) - 1] as number;
  return Math.floor((pairs * perPair * discount) / 1000);
}

/** Each 64-byte field element must have its top 16 bytes zero; `elements` are offsets within a `stride`. */
function paddingValid(input: Uint8Array, stride: number, elements: readonly number[]): boolean {
  for (let base = 0; base < input.length; base += stride) {
    for (const element of elements) {
      for (let i = base + element; i < base + element + 16; i++) if (input[i] !== 0) return false;
    }
  }
  return true;
}

function run(
  input: Uint8Array,
  gasUsed: number,
  gasLimit: number,
  lengthValid: boolean,
  stride: number,
  elements: readonly number[],
  compute: (input: Uint8Array) => Uint8Array,
): PrecompileResult {
  if (gasUsed > gasLimit || !lengthValid || !paddingValid(input, stride, elements)) return PRECOMPILE_FAILURE;
  try {
    return { failed: false, gasUsed, output: compute(input) };
  } catch (error) {
    // Invalid points, points outside the subgroup, field elements ≥ p: the call fails and consumes its gas.
    if (error instanceof Error || error instanceof EVMError) return PRECOMPILE_FAILURE;
    throw error;
  }
}

const G1_ELEMENTS = [0, 64];
const G2_ELEMENTS = [0, 64, 128, 192];

export const blsG1Add: Precompile = (input, gasLimit) =>
  run(input, 375, gasLimit, input.length === 256, 128, G1_ELEMENTS, (data) => bls.addG1(data));

export const blsG1Msm: Precompile = (input, gasLimit) =>
  run(
    input,
    msmGas(Math.floor(input.length / 160), 12_000, G1_DISCOUNT),
    gasLimit,
    input.length > 0 && input.length % 160 === 0,
    160,
    G1_ELEMENTS,
    (data) => bls.msmG1(data),
  );

export const blsG2Add: Precompile = (input, gasLimit) =>
  run(input, 600, gasLimit, input.length === 512, 256, G2_ELEMENTS, (data) => bls.addG2(data));

export const blsG2Msm: Precompile = (input, gasLimit) =>
  run(
    input,
    msmGas(Math.floor(input.length / 288), 22_500, G2_DISCOUNT),
    gasLimit,
    input.length > 0 && input.length % 288 === 0,
    288,
    G2_ELEMENTS,
    (data) => bls.msmG2(data),
  );

export const blsPairing: Precompile = (input, gasLimit) =>
  run(
    input,
    37_700 + 32_600 * Math.floor(input.length / 384),
    gasLimit,
    input.length > 0 && input.length % 384 === 0,
    384,
    [0, 64, 128, 192, 256, 320],
    (data) => bls.pairingCheck(data),
  );

export const blsMapFpToG1: Precompile = (input, gasLimit) =>
  run(input, 5_500, gasLimit, input.length === 64, 64, [0], (data) => bls.mapFPtoG1(data));

export const blsMapFp2ToG2: Precompile = (input, gasLimit) =>
  run(input, 23_800, gasLimit, input.length === 128, 128, [0, 64], (data) => bls.mapFP2toG2(data));
