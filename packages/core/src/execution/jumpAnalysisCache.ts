/**
 * @ethereumjs/evm re-analyses a contract's jump destinations (and decodes every PUSH) on each message it runs: about
 * a tenth of an ERC-20 transfer's time. Mach's state hands the EVM the same immutable `Uint8Array` for a contract's
 * code every time, so the analysis is memoized per code object (and per opcode table, which changes with the
 * hardfork). The interpreter only reads the analysis, so sharing it is safe. Installed once, by the first
 * `createEthereumJsExecutor` (importing this module changes nothing).
 */
type Analysis = unknown;
interface InterpreterLike {
  _evm: { _opcodeMap: object };
  _getValidJumpDestinations(code: Uint8Array): Analysis;
}

let installed: Promise<boolean> | undefined;

/**
 * Installs the memo (once); resolves whether it is installed (false if @ethereumjs/evm's layout changed: execution is
 * then merely slower).
 */
export function installJumpAnalysisCache(): Promise<boolean> {
  installed ??= (async () => {
    const evmEntry = import.meta.resolve("@ethereumjs/evm");
    const interpreterUrl = evmEntry.replace(/index\.(js|ts)$/, "interpreter.$1");
    const { Interpreter } = (await import(interpreterUrl)) as { Interpreter?: { prototype: InterpreterLike } };
    return install(Interpreter?.prototype);
  })();
  return installed;
}

function install(proto: InterpreterLike | undefined): boolean {
  const original = proto?._getValidJumpDestinations;
  if (proto === undefined || typeof original !== "function") return false;
  const byOpcodeMap = new WeakMap<object, WeakMap<Uint8Array, Analysis>>();
  proto._getValidJumpDestinations = function (this: InterpreterLike, code: Uint8Array): Analysis {
    const opcodeMap = this._evm._opcodeMap;
    let cache = byOpcodeMap.get(opcodeMap);
    if (cache === undefined) {
      cache = new WeakMap();
      byOpcodeMap.set(opcodeMap, cache);
    }
    let analysis = cache.get(code);
    if (analysis === undefined) {
      analysis = original.call(this, code);
      cache.set(code, analysis);
    }
    return analysis;
  };
  return true;
}
