// SimPy, the independent implementation the simulator is checked and benchmarked against:
// installs SimPy from PyPI into .syncbench/cache/simpy-venv once (cached), and runs an M/M/c
// model written in SimPy 4's process style with the same inputs as simulateMgc. Only bench and
// test files import this (they alone may spawn Python).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const venv = `${root}.syncbench/cache/simpy-venv`;
const python = `${venv}/bin/python`;

/** The venv's python with SimPy importable, or the reason it is not available. */
export function ensureSimpy(): { python: string } | { reason: string } {
  const check = () =>
    existsSync(python) &&
    spawnSync(python, ["-c", "import simpy"], { encoding: "utf8" }).status === 0;
  if (check()) return { python };
  const steps: string[][] = [
    ["python3", "-m", "venv", venv],
    [`${venv}/bin/pip`, "install", "--quiet", "simpy"],
  ];
  for (const [cmd, ...args] of steps) {
    const r = spawnSync(cmd!, args, { encoding: "utf8", timeout: 300_000 });
    if (r.status !== 0)
      return {
        reason: `${cmd} ${args.join(" ")} failed: ${(r.stderr || r.error?.message || "").trim().slice(0, 300)}`,
      };
  }
  return check() ? { python } : { reason: "simpy installed but cannot be imported" };
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
start = time.perf_counter()
env.run()
wall = time.perf_counter() - start
sojourns.sort()
n = len(sojourns)
print(json.dumps({"meanSojournS": sum(sojourns) / n, "p99S": sojourns[math.ceil(0.99 * n) - 1],
                  "customers": p["customers"], "wallS": wall, "simpy": simpy.__version__}))
`;

export interface SimpyResult {
  readonly meanSojournS: number;
  readonly p99S: number;
  readonly customers: number;
  readonly wallS: number;
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
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`SimPy run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SimpyResult;
}
