import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeAbiParameters, encodeEventTopics, encodeFunctionData, parseAbi, parseAbiItem } from "viem";
import type { KnownAbi, RpcLog } from "../../src/api.ts";
import { decodeCall, decodeLog, renderValue } from "../../src/lookup/decode.ts";

const TOKEN = "0x00000000000000000000000000000000000070c3";
const FROM = "0x00000000000000000000000000000000000a11ce";
const TO = "0x0000000000000000000000000000000000000b0b";

const erc20Transfer = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");
const erc721Transfer = parseAbiItem(
  "event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)",
);
const messagePassed = parseAbi([
  "event MessagePassed(uint256 indexed nonce, address indexed sender, address indexed target, uint256 value, uint256 gasLimit, bytes data, bytes32 withdrawalHash)",
  "function initiateWithdrawal(address target, uint256 gasLimit, bytes data) payable",
]);

const log = (fields: Partial<RpcLog>): RpcLog => ({
  address: TOKEN,
  topics: [],
  data: "0x",
  logIndex: "0x0",
  ...fields,
});

describe("decodeLog", () => {
  it("decodes an ERC-20 Transfer by its standard ABI", () => {
    const decoded = decodeLog(
      log({
        topics: encodeEventTopics({ abi: [erc20Transfer], args: { from: FROM, to: TO } }) as string[],
        data: encodeAbiParameters([{ type: "uint256" }], [1234n]),
      }),
      {},
    );
    assert.equal(decoded?.event, "Transfer");
    assert.equal(decoded?.source, "ERC-20");
    assert.deepEqual(
      decoded?.args.map((arg) => [arg.name, arg.value.toLowerCase()]),
      [
        ["from", FROM],
        ["to", TO],
        ["value", "1234"],
      ],
    );
  });

  it("tells an ERC-721 Transfer (token id indexed) from an ERC-20 one with the same selector", () => {
    const decoded = decodeLog(
      log({
        topics: encodeEventTopics({ abi: [erc721Transfer], args: { from: FROM, to: TO, tokenId: 7n } }) as string[],
      }),
      {},
    );
    assert.equal(decoded?.source, "ERC-721");
    assert.equal(decoded?.args[2]?.name, "tokenId");
    assert.equal(decoded?.args[2]?.value, "7");
  });

  it("prefers the ABI the node knows for the address, and names the contract", () => {
    const abis: Record<string, KnownAbi> = { [TOKEN]: { name: "L2ToL1MessagePasser", abi: messagePassed } };
    const decoded = decodeLog(
      log({
        topics: encodeEventTopics({
          abi: messagePassed,
          eventName: "MessagePassed",
          args: { nonce: 1n, sender: FROM, target: TO },
        }) as string[],
        data: encodeAbiParameters(
          [{ type: "uint256" }, { type: "uint256" }, { type: "bytes" }, { type: "bytes32" }],
          [5n, 100_000n, "0xabcd", `0x${"11".repeat(32)}`],
        ),
      }),
      abis,
    );
    assert.equal(decoded?.event, "MessagePassed");
    assert.equal(decoded?.source, "L2ToL1MessagePasser");
    assert.deepEqual(
      decoded?.args.map((arg) => arg.name),
      ["nonce", "sender", "target", "value", "gasLimit", "data", "withdrawalHash"],
    );
    assert.equal(decoded?.args[5]?.value, "0xabcd");
  });

  it("answers undefined for an unknown event, a log without topics and data that does not fit", () => {
    assert.equal(decodeLog(log({ topics: [`0x${"12".repeat(32)}`] }), {}), undefined);
    assert.equal(decodeLog(log({ topics: [] }), {}), undefined);
    const topics = encodeEventTopics({ abi: [erc20Transfer], args: { from: FROM, to: TO } }) as string[];
    assert.equal(decodeLog(log({ topics, data: "0x12" }), {}), undefined);
  });
});

describe("decodeCall", () => {
  const abis: Record<string, KnownAbi> = { [TOKEN]: { name: "L2ToL1MessagePasser", abi: messagePassed } };

  it("decodes a call to a contract whose ABI the node knows", () => {
    const input = encodeFunctionData({
      abi: messagePassed,
      functionName: "initiateWithdrawal",
      args: [TO, 50_000n, "0x"],
    });
    const decoded = decodeCall(TOKEN.toUpperCase().replace("0X", "0x"), input, abis);
    assert.equal(decoded?.functionName, "initiateWithdrawal");
    assert.equal(decoded?.contract, "L2ToL1MessagePasser");
    assert.deepEqual(
      decoded?.args.map((arg) => [arg.name, arg.value.toLowerCase()]),
      [
        ["target", TO],
        ["gasLimit", "50000"],
        ["data", "0x"],
      ],
    );
  });

  it("answers undefined for unknown contracts, creations, plain transfers and unknown selectors", () => {
    assert.equal(decodeCall(TO, "0x12345678", abis), undefined);
    assert.equal(decodeCall(null, "0x6080", abis), undefined);
    assert.equal(decodeCall(TOKEN, "0x", abis), undefined);
    assert.equal(decodeCall(TOKEN, "0xdeadbeef", abis), undefined);
  });
});

describe("renderValue", () => {
  it("writes bigints in decimal, also inside arrays and structs", () => {
    assert.equal(renderValue(10n ** 20n), "100000000000000000000");
    assert.equal(renderValue([1n, { a: 2n, b: true }]), '["1",{"a":"2","b":true}]');
    assert.equal(renderValue(false), "false");
  });
});
