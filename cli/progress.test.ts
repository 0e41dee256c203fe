// Progress on stderr: a live line rewritten in place on a terminal, plain periodic lines in a log
// (the first, every n-th and the final one), and nothing on stdout.
import { describe, expect, it } from "vitest";
import type { CliContext } from "./context.ts";
import { progress } from "./progress.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  return { ctx: ctx as unknown as CliContext, out, err };
}

describe("progress", () => {
  it("prints the first, every n-th and the final update as plain lines without a terminal", () => {
    const { ctx, out, err } = capture();
    const p = progress(ctx, { isTty: false, plainEvery: 5 });
    for (let s = 1; s <= 12; s++) p.update(`second ${s}`, s === 12);
    p.end();
    expect(err).toEqual(["second 1", "second 5", "second 10", "second 12"]);
    expect(out).toEqual([]);
  });

  it("rewrites one line on a terminal and ends it with a newline once", () => {
    const { ctx, out, err } = capture();
    const chunks: string[] = [];
    const p = progress(ctx, { isTty: true, plainEvery: 5, write: (c) => chunks.push(c) });
    p.update("a");
    p.update("b");
    p.end();
    p.end(); // a second end writes nothing: no blank line
    p.update("c", true);
    expect(chunks).toEqual(["\r\u001b[2Ka", "\r\u001b[2Kb", "\n", "\r\u001b[2Kc", "\n"]);
    expect([...out, ...err]).toEqual([]);
  });
});
