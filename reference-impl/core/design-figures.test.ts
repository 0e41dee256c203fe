// The design's figures are typed out once, in design-figures.ts: this scans every source file
// (*.ts outside tests and testdata) with TypeScript's own scanner for a figure's value beside a
// name that says what it is (`shardCount: 64`, `4 * 1024 * 1024`, a p99 target of 100 ms) and
// fails naming the file, line and figure. Comments and the text of strings are not code and are
// not scanned; string keys ("deltaUpload.latencyMsP99") count as names. The scanner is itself
// tested on restatements it must catch and on prose it must leave alone.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as figures from "./design-figures.ts";

interface Rule {
  readonly figure: string;
  readonly values: readonly number[];
  /** A name within `window` tokens before the value (or just after) must match; absent: any. */
  readonly name?: RegExp;
  readonly window?: number;
}

/** A target's metric as a string key or as an identifier: "deltaUpload.latencyMsP99". */
function metricName(metric: string): RegExp {
  return new RegExp(`^${metric.replace(".", "\\.?")}`, "i");
}

/** Each latency target, in ms or in s, beside its metric's name (up to a target object away). */
const targetRules: Rule[] = figures.latencyTargets.map((t) => ({
  figure: `${t.metric} target (${t.claims.join(", ")})`,
  values: [t.latencyMsMax, t.latencyMsMax / 1000],
  name: metricName(t.metric),
  window: 12,
}));

const rules: readonly Rule[] = [
  { figure: "blockSizeBytes (C01)", values: [figures.blockSizeBytes] },
  {
    figure: "peakRatePerS (C14)",
    values: [figures.peakRatePerS],
    name: /rate|rps|peak|perS/i,
    window: 4,
  },
  {
    figure: "peakUploadRatePerS (C14, C15)",
    values: [figures.peakUploadRatePerS],
    name: /rate|perS/i,
    window: 3,
  },
  {
    figure: "peakMix.download (C15)",
    values: [figures.peakMix.download],
    name: /download/i,
    window: 2,
  },
  {
    figure: "downloadsPerUpload (C15)",
    values: [figures.downloadsPerUpload],
    name: /downloadsPerUpload|readWrite|readsPerWrite/i,
    window: 2,
  },
  { figure: "usersCount (C24)", values: [figures.usersCount] },
  { figure: "usersPerShardCountStated (C24)", values: [figures.usersPerShardCountStated] },
  {
    figure: "connectedDevicesCount (C18)",
    values: [figures.connectedDevicesCount],
    name: /device/i,
    window: 6,
  },
  {
    figure: "shardCount (C24) / partitionCount (C30)",
    values: [figures.shardCount],
    name: /shard|partition/i,
    window: 3,
  },
  {
    figure: "podCounts.chunkService (C14)",
    values: [figures.podCounts.chunkService],
    name: /^chunkService(Pods?|PodCount)?$/,
    window: 2,
  },
  {
    figure: "podCounts.downloadService (C14)",
    values: [figures.podCounts.downloadService],
    name: /^downloadService(Pods?|PodCount)?$/,
    window: 2,
  },
  {
    figure: "podCounts.notificationService (C14, C18)",
    values: [figures.podCounts.notificationService],
    name: /^notificationService(Pods?|PodCount)?$|^pods$|podCount/i,
    window: 2,
  },
  {
    figure: "podCounts.gcWorker",
    values: [figures.podCounts.gcWorker],
    name: /^gcWorkers?(Pods?|Count)?$/,
    window: 2,
  },
  {
    figure: "connectionsPerPodCount (C18)",
    values: [figures.connectionsPerPodCount],
    name: /conn/i,
    window: 4,
  },
  {
    figure: "memoryBytesPerConnection (C19)",
    values: [figures.memoryBytesPerConnection],
    name: /conn|memory/i,
    window: 4,
  },
  {
    figure: "devicesPerUserMin (C23)",
    values: [figures.devicesPerUserMin],
    name: /devicesPerUserMin/,
    window: 2,
  },
  {
    figure: "devicesPerUserMax (C23)",
    values: [figures.devicesPerUserMax],
    name: /devicesPerUserMax/,
    window: 2,
  },
  {
    figure: "devicesPerUserMean (C23)",
    values: [figures.devicesPerUserMean],
    name: /devicesPerUser/,
    window: 2,
  },
  {
    figure: "cdnHitRateMin (C13)",
    values: [figures.cdnHitRateMin],
    name: /hitRate|sharedFraction/i,
    window: 3,
  },
  ...targetRules,
  {
    figure: "a latency target (C09-C12, C25)",
    values: [...new Set(figures.latencyTargets.map((t) => t.latencyMsMax))],
    name: /(p99|p50).*(target|max)|(target|max).*(p99|p50)|latencyMs(Max|Target)/i,
    window: 2,
  },
];

/**
 * Reviewed exceptions, each with its reason: `file:line` is not matched, the file and the rule
 * are, so an added restatement of another figure in the same file is still caught.
 */
const allowed: readonly { file: string; figure: string; reason: string }[] = [
  {
    file: "scenarios/bench/driver.bench.ts",
    figure: "devicesPerUserMin (C23)",
    reason:
      "exactly 2 devices per user, so users = devices / 2: the bench measures memory per " +
      "device, whatever the design's fan-out",
  },
];

interface Token {
  readonly kind: ts.SyntaxKind;
  readonly text: string;
  readonly line: number;
}

const nameKinds = new Set([ts.SyntaxKind.Identifier, ts.SyntaxKind.StringLiteral]);
const expressionEnd = new Set([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.StringLiteral,
]);

/** Code tokens of a TypeScript source: comments and template text dropped, regexes skipped. */
export function tokenize(source: string): Token[] {
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    true,
    ts.LanguageVariant.Standard,
    source,
  );
  const tokens: Token[] = [];
  const braces: ("code" | "template")[] = [];
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const previous = tokens.at(-1)?.kind;
    if (
      (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) &&
      (previous === undefined || !expressionEnd.has(previous))
    ) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.CloseBraceToken && braces.at(-1) === "template") {
      braces.pop();
      kind = scanner.reScanTemplateToken(false);
      if (kind === ts.SyntaxKind.TemplateMiddle) braces.push("template");
      continue;
    }
    if (kind === ts.SyntaxKind.TemplateHead) braces.push("template");
    else if (kind === ts.SyntaxKind.OpenBraceToken) braces.push("code");
    else if (kind === ts.SyntaxKind.CloseBraceToken) braces.pop();
    const literal = kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NumericLiteral;
    tokens.push({
      kind,
      text: literal ? scanner.getTokenValue() : scanner.getTokenText(),
      line: lineOf(lineStarts, scanner.getTokenStart()),
    });
  }
  return tokens;
}

function lineOf(starts: number[], position: number): number {
  let lo = 0,
    hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

const products = new Set([ts.SyntaxKind.AsteriskToken]);
const pairs = new Set([ts.SyntaxKind.AsteriskAsteriskToken, ts.SyntaxKind.LessThanLessThanToken]);

/** Values of every numeric literal and of every constant product (4 * 1024 * 1024, 2 ** 22). */
function numbersIn(tokens: Token[]): { value: number; start: number; end: number }[] {
  const found: { value: number; start: number; end: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind !== ts.SyntaxKind.NumericLiteral) continue;
    let value = Number(tokens[i]!.text.replace(/_/g, ""));
    found.push({ value, start: i, end: i });
    for (let j = i + 1; j + 1 < tokens.length; j += 2) {
      const op = tokens[j]!.kind,
        next = tokens[j + 1]!;
      if (next.kind !== ts.SyntaxKind.NumericLiteral) break;
      const x = Number(next.text.replace(/_/g, ""));
      if (products.has(op)) value *= x;
      else if (pairs.has(op) && j === i + 1) {
        value = op === ts.SyntaxKind.AsteriskAsteriskToken ? value ** x : value * 2 ** x;
      } else break;
      found.push({ value, start: i, end: j + 1 });
    }
  }
  return found;
}

const stops = new Set([ts.SyntaxKind.SemicolonToken, ts.SyntaxKind.CloseBraceToken]);

function namesNear(tokens: Token[], start: number, end: number, window: number): string[] {
  const names: string[] = [];
  for (let i = start - 1; i >= Math.max(0, start - window); i--) {
    if (stops.has(tokens[i]!.kind)) break;
    if (nameKinds.has(tokens[i]!.kind)) names.push(tokens[i]!.text);
  }
  const after = tokens[end + 1];
  if (after && nameKinds.has(after.kind)) names.push(after.text);
  return names;
}

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly figure: string;
  readonly text: string;
}

export function findRestatements(file: string, source: string): Finding[] {
  const tokens = tokenize(source);
  const findings: Finding[] = [];
  for (const n of numbersIn(tokens)) {
    for (const rule of rules) {
      if (!rule.values.includes(n.value)) continue;
      // Part of a longer product (2 * 1024 inside 2 * 1024 * 1024) is not the figure.
      if (
        tokens[n.end + 1]?.kind === ts.SyntaxKind.AsteriskToken &&
        tokens[n.end + 2]?.kind === ts.SyntaxKind.NumericLiteral
      )
        continue;
      const names = rule.name ? namesNear(tokens, n.start, n.end, rule.window ?? 2) : [""];
      const name = names.find((x) => rule.name === undefined || rule.name.test(x));
      if (name === undefined) continue;
      const text = tokens
        .slice(n.start, n.end + 1)
        .map((t) => t.text)
        .join(" ");
      findings.push({
        file,
        line: tokens[n.start]!.line,
        figure: rule.figure,
        text: name ? `${name} … ${text}` : text,
      });
    }
  }
  return findings;
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const skippedDirs = new Set(["node_modules", ".syncbench", ".git", "testdata", "coverage"]);
const testFile = /\.(test|int\.test|prop\.test|contract|api-suite|test-helper)\.ts$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skippedDirs.has(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") && !testFile.test(entry.name)
      ? [path]
      : [];
  });
}

describe("the scanner for restated figures", () => {
  it("catches restatements of each kind", () => {
    const src = [
      "export const shardCount = 64;",
      "const size = 4 * 1024 * 1024;",
      "const body = 250 * 4 * 1024 * 1024;",
      "const other = 4194304;",
      "const arrival = { ratePerS: 25_000 };",
      'const t = { "deltaUpload.latencyMsP99": { max: 100, claims: ["C09"] } };',
      'const s = { metric: "download.latencyMsP99", className: "download", quantile: 0.99,',
      "  maxS: 0.05 };",
      "const ws = { devicesPerUserMin: 2, devicesPerUserMax: 3 };",
      "const pods = { chunkService: 15, downloadService: 10, notificationService: 20 };",
      "constructor(private readonly partitionCount = 64) {}",
      'const help = `default ${integerFlag(values.devices, "devices", 100_000_000)}`;',
      "const uploadP99TargetMs = 100;",
      "const blocks = 2 ** 22 + (4 << 20);",
    ].join("\n");
    const lines = findRestatements("x.ts", src).map((f) => f.line);
    expect([...new Set(lines)]).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14]);
  });

  it("leaves comments, string text, regexes and unrelated names alone", () => {
    const src = [
      "// 64 shards of 4 * 1024 * 1024 bytes at 25_000 rps",
      "/* shardCount = 64 */ const hex = /^[0-9a-f]{64}$/;",
      'const help = "topic with 64 partitions, 4194304 B blocks";',
      "const t = `${shardCount} shards, p99 target 100 ms`;",
      "const workersPerPod = { downloadService: 64, chunkService: 16 };",
      "const lookahead = 64; const retries = 100; const p99SamplesMin = 100;",
      "const connectionMemoryBytesMax = 2 * 1024 * 1024;",
    ].join("\n");
    expect(findRestatements("x.ts", src)).toEqual([]);
  });
});

describe("design figures", () => {
  it("are typed out once: no source file outside design-figures.ts restates one", () => {
    const self = relative(root, fileURLToPath(new URL("./design-figures.ts", import.meta.url)));
    const findings = sourceFiles(root)
      .map((path) => ({ path, file: relative(root, path) }))
      .filter(({ file }) => file !== self)
      .flatMap(({ path, file }) => findRestatements(file, readFileSync(path, "utf8")))
      .filter((f) => !allowed.some((a) => a.file === f.file && a.figure === f.figure));
    const report = findings.map(
      (f) =>
        `${f.file}:${f.line}: ${f.figure} restated (${f.text}); ` +
        "import it from reference-impl/core/design-figures.ts",
    );
    expect(report).toEqual([]);
  });

  it("list each scalar once, with claim ids that exist in CLAIMS.md's numbering", () => {
    const names = figures.designFigures.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    const claimIds = [
      ...figures.designFigures.flatMap((f) => f.claims),
      ...figures.latencyTargets.flatMap((t) => [...t.claims, ...t.partOfClaims]),
    ];
    for (const id of claimIds) expect(id).toMatch(/^C(0[1-9]|[12]\d|3[0-6])$/);
  });

  it("agree with each other where the document relates them", () => {
    const m = figures.peakMix;
    expect(m.deltaUpload + m.newFileUpload + m.download + m.listFolder).toBeCloseTo(1, 12);
    const uploads = m.deltaUpload + m.newFileUpload;
    expect(m.download / uploads).toBeCloseTo(figures.downloadsPerUpload, 12);
    expect(figures.podCounts.notificationService * figures.connectionsPerPodCount).toBe(
      figures.connectedDevicesCount,
    );
    expect(figures.latencyTarget("deltaUpload.latencyMsP99").claims).toEqual(["C09"]);
    expect(() => figures.latencyTarget("upload.latencyMsP99")).toThrow(/no design latency target/);
  });
});
