// Types for the two iden3 packages behind the WebAssembly KZG path (they ship none). Only what bn254Wasm.ts uses.

declare module "wasmbuilder" {
  export class ModuleBuilder {
    setMemory(pages: number): void;
    build(): Uint8Array;
  }
}

declare module "wasmcurves" {
  import type { ModuleBuilder } from "wasmbuilder";

  const wasmcurves: {
    /** Adds BN254 (alt_bn128) field, curve and multi-exponentiation functions to the module being built. */
    buildBn128(module: ModuleBuilder): void;
  };
  export default wasmcurves;
}
