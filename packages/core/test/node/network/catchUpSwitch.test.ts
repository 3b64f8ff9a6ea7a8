import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CatchUpSwitch, type DerivationCatchUp, type PeerFollow } from "../../../src/node/network/catchUpSwitch.ts";
import { capturingLogger } from "../../capturingLogger.ts";

/** Peers as the switch sees them: the replica's next mini-block, what gossip announced, and resumes counted. */
class FakePeers implements PeerFollow {
  next = 10n;
  known: bigint | undefined = 50n;
  resumes = 0;
  nextMiniBlock = () => this.next;
  knownMiniBlockHead = () => this.known;
  connectedPeers = () => 1;
  resume = () => {
    this.resumes++;
  };
}

/** Derivation that moves the replica's position by `blocks` blocks of 5 mini-blocks, or fails. */
class FakeDerivation implements DerivationCatchUp {
  readonly #peers: FakePeers;
  runs = 0;
  blocks = 3;
  failure: Error | undefined;
  head = 2n;
  /** The switch's mode while a run is under way. */
  modesSeen: string[] = [];
  switch: CatchUpSwitch | undefined;

  constructor(peers: FakePeers) {
    this.#peers = peers;
  }

  async derive() {
    this.runs++;
    if (this.switch) this.modesSeen.push(this.switch.mode);
    if (this.failure) throw this.failure;
    this.#peers.next += BigInt(this.blocks * 5);
    this.head += BigInt(this.blocks);
    return { derived: this.blocks, head: this.head };
  }
}

function setUp(options: { derivation?: boolean; stalledChecks?: number; refusals?: number } = {}) {
  const peers = new FakePeers();
  const derivation = new FakeDerivation(peers);
  const { logger, lines, messages } = capturingLogger();
  const catchUp = new CatchUpSwitch({
    peers,
    derivation: options.derivation === false ? undefined : derivation,
    stalledChecks: options.stalledChecks ?? 3,
    refusalsBeforeDerivation: options.refusals ?? 3,
    logger,
  });
  derivation.switch = catchUp;
  return { peers, derivation, catchUp, lines, messages };
}

async function checks(catchUp: CatchUpSwitch, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await catchUp.check();
}

describe("CatchUpSwitch", () => {
  it("derives once the replica has not advanced for stalledChecks checks while peers announce more, then resumes peers", async () => {
    const { peers, derivation, catchUp, messages, lines } = setUp();
    // The first check only notes where the replica stands; three more without progress make it stalled.
    await checks(catchUp, 3);
    assert.equal(derivation.runs, 0);
    await catchUp.check();
    assert.equal(derivation.runs, 1);
    assert.deepEqual(derivation.modesSeen, ["deriving"]);
    assert.equal(catchUp.mode, "peers");
    assert.equal(peers.resumes, 1);
    assert.equal(peers.next, 25n);
    assert.deepEqual(messages(), [
      "replica switching to derivation from L1 + DA",
      "replica back to peers after deriving blocks from L1 + DA",
    ]);
    assert.equal(lines[1]?.fields.derived, 3);
    assert.equal(lines[1]?.fields.head, "5");
  });

  it("never derives while the replica advances, nor while peers announce nothing newer", async () => {
    const { peers, derivation, catchUp } = setUp();
    for (let i = 0; i < 10; i++) {
      peers.next++;
      await catchUp.check();
    }
    peers.known = peers.next - 1n;
    await checks(catchUp, 10);
    peers.known = undefined;
    await checks(catchUp, 10);
    assert.equal(derivation.runs, 0);
    assert.equal(peers.resumes, 0);
  });

  it("derives again after another stall when L1 + DA had nothing new, and after a failed run", async () => {
    const { peers, derivation, catchUp, messages } = setUp({ stalledChecks: 2 });
    derivation.blocks = 0;
    await checks(catchUp, 3);
    assert.equal(derivation.runs, 1);
    derivation.failure = new Error("L1 unreachable");
    await checks(catchUp, 2);
    assert.equal(derivation.runs, 1, "a stall starts counting again after a run");
    await catchUp.check();
    assert.equal(derivation.runs, 2);
    derivation.failure = undefined;
    derivation.blocks = 2;
    await checks(catchUp, 3);
    assert.equal(derivation.runs, 3);
    assert.equal(peers.resumes, 3);
    assert.equal(catchUp.mode, "peers");
    assert.deepEqual(messages(), [
      "replica switching to derivation from L1 + DA",
      "replica back to peers: L1 + DA hold nothing after its head yet (not recorded on L1?)",
      "replica switching to derivation from L1 + DA",
      "replica back to peers: derivation from L1 + DA failed (tried again when stalled)",
      "replica switching to derivation from L1 + DA",
      "replica back to peers after deriving blocks from L1 + DA",
    ]);
  });

  it("without L1 + DA, says once per stall that it is stuck and waits for peers", async () => {
    const { peers, derivation, catchUp, messages } = setUp({ derivation: false });
    await checks(catchUp, 12);
    assert.equal(derivation.runs, 0);
    assert.equal(peers.resumes, 0);
    assert.equal(messages().length, 1);
    assert.match(messages()[0] ?? "", /has not advanced.*no L1 \+ DA configured/);
    // Progress, then another stall: said again.
    peers.next++;
    await checks(catchUp, 4);
    assert.equal(messages().length, 2);
    await catchUp.blockRefused(11n);
    await catchUp.blockRefused(11n);
    await catchUp.blockRefused(11n);
    assert.equal(derivation.runs, 0);
  });

  it("derives a block peers keep serving and the replica keeps refusing, at refusalsBeforeDerivation in a row", async () => {
    const { peers, derivation, catchUp, lines } = setUp({ refusals: 3 });
    await catchUp.blockRefused(7n);
    await catchUp.blockRefused(7n);
    await catchUp.blockRefused(8n);
    await catchUp.blockRefused(8n);
    assert.equal(derivation.runs, 0, "refusals of different blocks do not add up");
    await catchUp.blockRefused(8n);
    assert.equal(derivation.runs, 1);
    assert.equal(peers.resumes, 1);
    assert.equal(lines[0]?.fields.why, "peers keep serving block 8, whose diffs miss its header");
    // The count starts again after a run.
    await catchUp.blockRefused(8n);
    await catchUp.blockRefused(8n);
    assert.equal(derivation.runs, 1);
  });

  it("ignores checks and refusals while a derivation runs, and settles when it ends", async () => {
    const { peers, derivation, catchUp } = setUp({ stalledChecks: 1, refusals: 1 });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const derive = derivation.derive.bind(derivation);
    derivation.derive = async () => {
      await gate;
      return derive();
    };
    await catchUp.check();
    const running = catchUp.check();
    assert.equal(catchUp.mode, "deriving");
    await checks(catchUp, 5);
    await catchUp.blockRefused(3n);
    let settled = false;
    const settling = catchUp.settled().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, "settled waits for the run");
    release();
    await running;
    await settling;
    assert.equal(settled, true);
    assert.equal(derivation.runs, 1);
    assert.equal(peers.resumes, 1);
    assert.equal(catchUp.mode, "peers");
  });
});
