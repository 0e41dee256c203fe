// The run's four configuration layers with plain objects for env and argv: each layer
// overrides the one below and the result says where each value came from; a bad file, bad
// variables and bad flags are all reported in one error with where, value and limit; a missing
// file names its path; rate and scale are one setting across layers.
import { describe, expect, it } from "vitest";
import { isSyncbenchError } from "../../reference-impl/core/errors.ts";
import { loadRunConfig, recordOf, type ConfigInput } from "./run-config.ts";

const files = new Map<string, string>();
const readText = (path: string) => {
  const text = files.get(path);
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  return text;
};
const load = (argv: string[], env: ConfigInput["env"] = {}) =>
  loadRunConfig({ argv, env, readText });

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isSyncbenchError(error, "RUN_CONFIG_INVALID")) return error.message;
    throw error;
  }
  throw new Error("expected RUN_CONFIG_INVALID");
}

describe("run configuration layers", () => {
  it("takes each key from the highest layer that sets it, and says which", () => {
    files.set(
      "run.json",
      JSON.stringify({
        scenario: "smoke",
        durationS: 10,
        seed: 5,
        target: "builtin",
        prepare: { usersMax: 8, timeS: 30 },
      }),
    );
    const env = { SYNCBENCH_RUN_SEED: "6", SYNCBENCH_RUN_PREPARE_USERS_MAX: "16", HOME: "/x" };
    const c = load(["--config", "run.json", "--seed", "7", "--no-websocket"], env);
    expect(c).toMatchObject({ scenario: "smoke", durationS: 10, seed: 7, target: "builtin" });
    expect(c.prepare).toEqual({ usersMax: 16, filesPerUserMax: 8, editsMax: 20_000, timeS: 30 });
    expect(c.websocket).toBe(false);
    expect(c.sources).toMatchObject({
      scenario: "file",
      durationS: "file",
      seed: "flag",
      "prepare.usersMax": "env",
      "prepare.timeS": "file",
      "prepare.editsMax": "default",
      websocket: "flag",
      findKnee: "default",
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.prepare)).toBe(true);
    // Without the flag the environment wins over the file; without both, the file's value.
    expect(load(["--config", "run.json"], env).seed).toBe(6);
    expect(load(["--config", "run.json"]).seed).toBe(5);
    expect(load(["smoke"]).seed).toBeUndefined();
    // The positional scenario is the flag layer: it overrides the file's.
    expect(load(["--config", "run.json", "hot-downloads"]).scenario).toBe("hot-downloads");
  });

  it("records every value with its source, and reads durations with units", () => {
    const c = load(["smoke", "--duration", "20s", "--warmup", "2"], {
      SYNCBENCH_GATEWAY_URL: "http://127.0.0.1:8080",
    });
    const record = recordOf(c);
    expect(record).toMatchObject({
      scenario: "smoke",
      "from.scenario": "flag",
      durationS: 20,
      "from.durationS": "flag",
      target: "http://127.0.0.1:8080",
      "from.target": "env",
      websocket: "true",
      "from.websocket": "default",
      "prepare.usersMax": 64,
      "from.ratePerS": "default",
    });
    expect(record.ratePerS).toBeUndefined();
    expect(load(["smoke", "--duration", "2m"]).durationS).toBe(120);
  });

  it("starts the stack by default, and --no-up or SYNCBENCH_RUN_START_STACK=0 refuse instead", () => {
    expect(load(["smoke"]).startStack).toBe(true);
    expect(load(["smoke", "--no-up"]).startStack).toBe(false);
    expect(load(["smoke"], { SYNCBENCH_RUN_START_STACK: "0" }).startStack).toBe(false);
    expect(recordOf(load(["smoke", "--no-up"]))).toMatchObject({
      startStack: "false",
      "from.startStack": "flag",
    });
  });

  it("treats rate and scale as one setting: a higher layer's choice drops the other", () => {
    files.set("scaled.json", JSON.stringify({ scenario: "smoke", scale: 2 }));
    const c = load(["--config", "scaled.json", "--rate", "10"]);
    expect(c.ratePerS).toBe(10);
    expect(c.scale).toBeUndefined();
    expect(load(["--config", "scaled.json"]).scale).toBe(2);
    expect(problemsOf(() => load(["smoke", "--rate", "1", "--scale", "2"]))).toContain(
      "ratePerS and scale exclude each other",
    );
  });

  it("reports every problem of a bad file, variables and flags at once", () => {
    files.set(
      "bad.json",
      JSON.stringify({
        scenario: "smoke",
        ratePerS: 0,
        durationS: "2x",
        sede: 4,
        prepare: { usrsMax: 2, editsMax: 5_000_000, timeS: -1 },
        websocket: "maybe",
      }),
    );
    const message = problemsOf(() =>
      load(["--config", "bad.json", "--seed", "1.5", "--rat", "3"], {
        SYNCBENCH_RUN_SCALE: "fast",
        SYNCBENCH_RUN_SEDE: "1",
      }),
    );
    for (const part of [
      "bad.json: ratePerS must be > 0, got 0",
      'bad.json: durationS must be a duration in seconds (20, "20s", "2m"), got "2x"',
      'bad.json: unknown key "sede" (did you mean "seed"?)',
      'bad.json: unknown key "prepare.usrsMax" (did you mean "prepare.usersMax"?)',
      "bad.json: prepare.editsMax must be at most 1000000, got 5000000",
      "bad.json: prepare.timeS must be > 0, got -1",
      'bad.json: websocket must be true or false (or 1/0), got "maybe"',
      'SYNCBENCH_RUN_SCALE must be a number, got "fast"',
      'unknown variable SYNCBENCH_RUN_SEDE (did you mean "SYNCBENCH_RUN_SEED"?)',
      '--seed must be a whole number, got "1.5"',
      'unknown flag --rat (did you mean "--rate"?)',
    ]) {
      expect(message).toContain(part);
    }
    expect(message).toMatch(/nothing was run$/);
  });

  it("names the path of a missing or malformed file", () => {
    expect(problemsOf(() => load(["smoke", "--config", "nowhere/run.json"]))).toContain(
      "--config nowhere/run.json: cannot read it (ENOENT)",
    );
    files.set("text.json", "scenario: smoke");
    expect(problemsOf(() => load(["--config", "text.json"]))).toContain(
      "--config text.json: not JSON",
    );
    files.set("list.json", "[1]");
    expect(problemsOf(() => load(["smoke", "--config", "list.json"]))).toContain(
      "--config list.json: must hold a JSON object",
    );
    expect(problemsOf(() => load([]))).toContain("no scenario");
  });
});
