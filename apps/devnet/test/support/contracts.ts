/** Compiles the end-to-end test contracts with solc-js (the same compiler the contracts package pins). */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Abi, Hex } from "viem";

const require = createRequire(import.meta.url);

export interface CompiledContract {
  readonly abi: Abi;
  readonly bytecode: Hex;
  /** Runtime code as solc emits it (immutables zeroed) and where the immutables go: what a build artifact holds. */
  readonly deployedBytecode: Hex;
  readonly immutableReferences: Record<string, { start: number; length: number }[]>;
}

let compiled: Record<string, CompiledContract> | undefined;

export interface TestContracts {
  readonly TestToken: CompiledContract;
  readonly Reverter: CompiledContract;
  /** L2 → L1 messages: `MessageSender` (L2) passes a call to `MessageReceiver` (L1) through the message passer. */
  readonly MessageSender: CompiledContract;
  readonly MessageReceiver: CompiledContract;
  /** A non-standard event (`Pinged`) and an immutable: decoded on the dashboard only from its build artifact. */
  readonly Beacon: CompiledContract;
}

export function testContracts(): TestContracts {
  compiled ??= compile();
  return compiled as unknown as TestContracts;
}

function compile(): Record<string, CompiledContract> {
  const solc = require("solc") as { compile(input: string): string };
  const source = readFileSync(new URL("../fixtures/TestContracts.sol", import.meta.url), "utf8");
  const input = {
    language: "Solidity",
    sources: { "TestContracts.sol": { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: {
        "*": {
          "*": [
            "abi",
            "evm.bytecode.object",
            "evm.deployedBytecode.object",
            "evm.deployedBytecode.immutableReferences",
          ],
        },
      },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<
      string,
      Record<
        string,
        {
          abi: Abi;
          evm: {
            bytecode: { object: string };
            deployedBytecode: { object: string; immutableReferences?: CompiledContract["immutableReferences"] };
          };
        }
      >
    >;
  };
  const errors = (output.errors ?? []).filter((error) => error.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((error) => error.formattedMessage).join("\n"));
  const result: Record<string, CompiledContract> = {};
  for (const [name, contract] of Object.entries(output.contracts["TestContracts.sol"] ?? {})) {
    result[name] = {
      abi: contract.abi,
      bytecode: `0x${contract.evm.bytecode.object}`,
      deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
      immutableReferences: contract.evm.deployedBytecode.immutableReferences ?? {},
    };
  }
  return result;
}
