import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { TurnCork } from "../../src/rpc/turnCork.ts";

/** A stream that records each write call it receives: one entry per `write` or `writev`, with its chunks. */
function recordingStream(): { stream: Writable; calls: string[][] } {
  const calls: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      calls.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      calls.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      callback();
    },
  });
  return { stream, calls };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("TurnCork", () => {
  it("sends the writes of one turn in one writev, and those of the next turn in another", async () => {
    const { stream, calls } = recordingStream();
    const cork = new TurnCork(stream);
    for (const frame of ["a", "b", "c"]) {
      cork.hold();
      stream.write(frame);
    }
    assert.deepEqual(calls, [], "nothing leaves before the turn ends");
    await nextTurn();
    assert.deepEqual(calls, [["a", "b", "c"]]);
    cork.hold();
    stream.write("d");
    await nextTurn();
    assert.deepEqual(calls, [["a", "b", "c"], ["d"]]);
  });

  it("holds writes made in promise callbacks of the same turn (answers settled together)", async () => {
    const { stream, calls } = recordingStream();
    const cork = new TurnCork(stream);
    const answers = [1, 2, 3].map((n) =>
      Promise.resolve(n).then((value) => {
        cork.hold();
        stream.write(String(value));
      }),
    );
    await Promise.all(answers);
    await nextTurn();
    assert.deepEqual(calls, [["1", "2", "3"]]);
  });

  it("leaves a destroyed stream alone", async () => {
    const { stream } = recordingStream();
    const cork = new TurnCork(stream);
    stream.destroy();
    cork.hold();
    assert.equal(stream.writableCorked, 0);
    await nextTurn();
  });
});
