// openapi.yaml states the API's limits as core/limits.ts has them: every bound in the file
// (maximum, maxItems, maxLength) carries `x-limit: <name>` on its line (or the line after), and
// its value equals apiLimits[name]; every limit a client can meet is stated at least once.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { apiLimits } from "../../core/limits.ts";

const text = readFileSync(fileURLToPath(new URL("./openapi.yaml", import.meta.url)), "utf8");
const lines = text.split("\n");
const bound = /\b(maximum|maxItems|maxLength): (\d+)/;
const limitName = /x-limit: (\w+)/;

/** Each stated bound with the limit it names: [line number, name or undefined, value]. */
function statedBounds(): { line: number; name: string | undefined; value: number }[] {
  const found: { line: number; name: string | undefined; value: number }[] = [];
  lines.forEach((line, i) => {
    const value = bound.exec(line);
    if (!value) return;
    const name = limitName.exec(line)?.[1] ?? limitName.exec(lines[i + 1] ?? "")?.[1];
    found.push({ line: i + 1, name, value: Number(value[2]) });
  });
  return found;
}

const limits: Readonly<Record<string, number>> = apiLimits;

describe("openapi.yaml and core/limits.ts", () => {
  it("every bound in the file names its limit and has its value", () => {
    const wrong = statedBounds()
      .filter((b) => b.name === undefined || limits[b.name] !== b.value)
      .map(
        (b) =>
          `line ${b.line}: ${b.value} for ${b.name ?? "(no x-limit)"}, limits.ts has ${b.name ? limits[b.name] : "-"}`,
      );
    expect(wrong).toEqual([]);
  });

  it("states every limit a client can meet", () => {
    const stated = new Set(statedBounds().map((b) => b.name));
    const clientFacing = [
      "fileSizeBytesMax",
      "hashListLengthMax",
      "deltaBasesMax",
      "deltaBytesMax",
      "pathBytesMax",
      "proofsMax",
      "proofTokenBytesMax",
      "uploadInitBodyBytesMax",
      "commitBodyBytesMax",
      "blockBodyBytesMax",
      "deltaBodyBytesMax",
      "userConnectionsMax",
      "userRequestsPerSMax",
      "userRequestsBurstMax",
      "tokenLifetimeSMax",
    ];
    expect(clientFacing.filter((name) => !(name in limits))).toEqual([]);
    expect(clientFacing.filter((name) => name !== "deltaBytesMax" && !stated.has(name))).toEqual(
      [],
    );
    expect(limits.deltaBytesMax).toBe(limits.deltaBodyBytesMax); // stated as the delta route's body
  });
});
