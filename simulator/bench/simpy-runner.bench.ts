// SimPy, the independent implementation the simulator is checked and benchmarked against:
// installs SimPy (pinned, simpyVersion) from PyPI with pip into a venv in the project's cache
// folder once ($SYNCBENCH_CACHE_DIR, else .syncbench/cache: the stack's own cache), each step
// bounded in time, and runs an M/M/c model written in SimPy 4's process style with the same
// inputs as simulateMgc. Only bench and test files import this (they alone may spawn Python).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The SimPy release the independent check used; pinned so runs compare. */
export const simpyVersion = "4.1.2";
/** Bound on each set-up step (venv, pip install) and on one SimPy run. */
const setupTimeoutMs = 300_000;
const runTimeoutMs = 600_000;

const root = fileURLToPath(new URL("../../", import.meta.url));
const cacheDir = process.env.SYNCBENCH_CACHE_DIR ?? `${root}.syncbench/cache`;
const venv = `${cacheDir}/simpy-venv`;
const python = `${venv}/bin/python`;

/** The venv's python with SimPy importable, or the reason it is not available. */
export function ensureSimpy(): { python: string } | { reason: string } {
  const check = () =>
    existsSync(python) &&
    spawnSync(
      python,
      ["-c", `import simpy, sys; sys.exit(simpy.__version__ != ${JSON.stringify(simpyVersion)})`],
      { encoding: "utf8", timeout: 60_000 },
    ).status === 0;
  if (check()) return { python };
  const steps: string[][] = [
    ["python3", "-m", "venv", venv],
    [`${venv}/bin/pip`, "install", "--quiet", "--timeout", "30", `simpy==${simpyVersion}`],
  ];
  for (const [cmd, ...args] of steps) {
    const r = spawnSync(cmd!, args, { encoding: "utf8", timeout: setupTimeoutMs });
    if (r.status !== 0)
      return {
        reason: `${cmd} ${args.join(" ")} failed: ${(r.stderr || r.error?.message || "").trim().slice(0, 300)}`,
      };
  }
  return check()
    ? { python }
    : { reason: `simpy==${simpyVersion} installed in ${venv} but cannot be imported` };
}

const script = `
import json, math, random, sys, time, simpy
p = json.loads(sys.argv[1])
random.seed(p["seed"])
env = simpy.Environment()
server = simpy.Resource(env, capacity=p["servers"])
sojourns = []
warm = int(p["customers"] * p["warmupFraction"])
def customer(i):
    t0 = env.now
    with server.request() as req:
        yield req
        yield env.timeout(random.expovariate(p["serviceRate"]))
    if i >= warm:
        sojourns.append(env.now - t0)
def source():
    for i in range(p["customers"]):
        env.process(customer(i))
        yield env.timeout(random.expovariate(p["arrivalRate"]))
env.process(source())
start, cpu0 = time.perf_counter(), time.process_time()
env.run()
wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
sojourns.sort()
n = len(sojourns)
print(json.dumps({"meanSojournS": sum(sojourns) / n, "p99S": sojourns[math.ceil(0.99 * n) - 1],
                  "customers": p["customers"], "wallS": wall, "cpuS": cpu,
                  "simpy": simpy.__version__}))
`;

export interface SimpyResult {
  readonly meanSojournS: number;
  readonly p99S: number;
  readonly customers: number;
  readonly wallS: number;
  /** CPU seconds of the Python process over the run (time.process_time). */
  readonly cpuS: number;
  readonly simpy: string;
}

export function runSimpyMmc(
  pythonPath: string,
  p: {
    arrivalRate: number;
    serviceRate: number;
    servers: number;
    customers: number;
    warmupFraction: number;
    seed: number;
  },
): SimpyResult {
  const r = spawnSync(pythonPath, ["-c", script, JSON.stringify(p)], {
    encoding: "utf8",
    timeout: runTimeoutMs,
  });
  if (r.status !== 0) throw new Error(`SimPy run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SimpyResult;
}
