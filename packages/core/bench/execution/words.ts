/**
 * Which 256-bit word representation the interpreter uses: solc-style stack code (DUP/PUSH/LT/JUMPI/ADD/AND/SWAP/POP
 * on small values, the bulk of real contracts) run by two minimal loops, one with a `bigint[]` stack, one with
 * 8×32-bit limbs in a `Uint32Array` stack. The bigint loop measured about 2× faster here, so `evm/words.ts` keeps
 * bigint: PUSH/DUP/SWAP move a pointer instead of eight limbs, and most values are small.
 * Run: node bench/execution/words.ts [iterations]   (from packages/core)
 */
const iterations = Number(process.argv[2] ?? 2_000_000);
const OPS_PER_ITERATION = 14;
const MAX = (1n << 256n) - 1n;

/** acc = (acc + i) & mask for i < n, as a bigint stack machine. */
function bigintLoop(n: number): bigint {
  const stack: bigint[] = new Array<bigint>(1024).fill(0n);
  let sp = 2;
  const limit = BigInt(n);
  const mask = (1n << 200n) - 1n;
  for (;;) {
    stack[sp] = stack[sp - 1] as bigint; // DUP1
    sp++;
    stack[sp++] = limit; // PUSH n
    sp--;
    stack[sp - 1] = (stack[sp - 1] as bigint) < (stack[sp] as bigint) ? 1n : 0n; // LT
    if (stack[--sp] === 0n) break; // JUMPI
    stack[sp] = stack[sp - 1] as bigint; // DUP1
    sp++;
    stack[sp] = stack[sp - 3] as bigint; // DUP3
    sp++;
    let sum = (stack[sp - 1] as bigint) + (stack[sp - 2] as bigint); // ADD
    if (sum > MAX) sum -= MAX + 1n;
    sp--;
    stack[sp - 1] = sum;
    stack[sp++] = mask; // PUSH mask
    sp--;
    stack[sp - 1] = (stack[sp - 1] as bigint) & (stack[sp] as bigint); // AND
    const top = stack[sp - 1] as bigint; // SWAP2
    stack[sp - 1] = stack[sp - 3] as bigint;
    stack[sp - 3] = top;
    sp--; // POP
    let next = (stack[sp - 1] as bigint) + 1n; // PUSH 1, ADD
    if (next > MAX) next -= MAX + 1n;
    stack[sp - 1] = next;
  }
  return stack[0] as bigint;
}

/** The same program over 8×32-bit little-endian limbs per word. */
function limbLoop(n: number): number {
  const stack = new Uint32Array(1024 * 8);
  const constants = new Uint32Array(3 * 8);
  constants[0] = n;
  for (let i = 0; i < 6; i++) constants[8 + i] = 0xffffffff;
  constants[8 + 6] = 0xff;
  constants[16] = 1;
  let sp = 2;
  const dup = (k: number) => {
    const from = (sp - k) * 8;
    const to = sp * 8;
    for (let i = 0; i < 8; i++) stack[to + i] = stack[from + i] as number;
    sp++;
  };
  const push = (c: number) => {
    const to = sp * 8;
    for (let i = 0; i < 8; i++) stack[to + i] = constants[c + i] as number;
    sp++;
  };
  const add = () => {
    const a = (sp - 1) * 8;
    const b = (sp - 2) * 8;
    let carry = 0;
    for (let i = 0; i < 8; i++) {
      const s = (stack[a + i] as number) + (stack[b + i] as number) + carry;
      stack[b + i] = s;
      carry = s > 0xffffffff ? 1 : 0;
    }
    sp--;
  };
  for (;;) {
    dup(1);
    push(0);
    {
      const a = (sp - 1) * 8;
      const b = (sp - 2) * 8;
      let less = 0;
      for (let i = 7; i >= 0; i--) {
        const x = stack[b + i] as number;
        const y = stack[a + i] as number;
        if (x !== y) {
          less = x < y ? 1 : 0;
          break;
        }
      }
      sp--;
      stack[b] = less;
      for (let i = 1; i < 8; i++) stack[b + i] = 0;
    }
    sp--;
    let nonZero = 0;
    for (let i = 0; i < 8; i++) nonZero |= stack[sp * 8 + i] as number;
    if (nonZero === 0) break;
    dup(1);
    dup(3);
    add();
    push(8);
    {
      const a = (sp - 1) * 8;
      const b = (sp - 2) * 8;
      for (let i = 0; i < 8; i++) stack[b + i] = (stack[b + i] as number) & (stack[a + i] as number);
      sp--;
    }
    {
      const a = (sp - 1) * 8;
      const b = (sp - 3) * 8;
      for (let i = 0; i < 8; i++) {
        const t = stack[a + i] as number;
        stack[a + i] = stack[b + i] as number;
        stack[b + i] = t;
      }
    }
    sp--;
    push(16);
    add();
  }
  return stack[0] as number;
}

for (let round = 0; round < 3; round++) {
  let start = performance.now();
  bigintLoop(iterations);
  const bigintNs = ((performance.now() - start) * 1e6) / iterations / OPS_PER_ITERATION;
  start = performance.now();
  limbLoop(iterations);
  const limbNs = ((performance.now() - start) * 1e6) / iterations / OPS_PER_ITERATION;
  console.log(`bigint stack ${bigintNs.toFixed(1)} ns/op   8×32-bit limbs ${limbNs.toFixed(1)} ns/op`);
}
