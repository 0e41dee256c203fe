// The one-line summary of each command, for `syncbench --help`, so that the command table is
// printed without importing every command module and its dependencies (the Kafka, S3 and
// Postgres clients, the stack, the simulator): `--help` took 2.2 s median before, 0.14-0.18 s
// after, on a loaded 2-core machine (`npm run bench:cli-start`, issue 21). Each
// module's `command.summary` stays the source of truth: cli/command-summaries.test.ts fails when
// this table and a module disagree; a command missing here is still listed (main.ts then imports
// its module for the summary).

/** Command name (file name in cli/commands/) -> its `command.summary`. */
export const commandSummaries: Readonly<Record<string, string>> = {
  baseline: "write the gate's baseline from a run (baseline update results.json --out FILE)",
  calibrate:
    "fit the simulator's service times from a measured run (results.json -> calibration.json)",
  chaos:
    "fault lab: load, a fault by PID, recovery, then every acknowledged commit read back and fsck",
  claims: "the claims ledger: a computed verdict with its figures for each of C01-C36",
  clean: "show what the stack's folders hold; remove data, logs, results, cache or reports",
  client: "keep a folder in sync with a user's files on the running stack (sync client)",
  "compare-variants":
    "the same edit workload under the design's variants V0/V1/V2 on the stack, side by side",
  cost: "monthly cost for N users of a variant, from a dated price table, assumptions listed",
  delta: "encode or apply a block delta between two files (xdelta-like)",
  doctor: "check prerequisites (node, java, mvn, go, servers, ports, disk) and say how to fix them",
  down: "stop the servers that `up` started (by recorded PID, never by name)",
  "edit-workloads":
    "edit workloads (documents, logs, DB pages, compressed re-saves): delta bytes per edit",
  fsck: "check invariants across Postgres, S3 and Kafka (blocks present and intact, ref counts, outbox, GC overdue blocks and orphans)",
  gate: "judge a run against its targets and a baseline; exit 4 on a miss or regression (CI)",
  k6: "export a scenario as a k6 TypeScript script and its data file (k6 export), k6 run",
  logs: "print the last lines of a server's log",
  probe: "autocannon throughput probe of a URL; `probe security`: the attack suite on the stack",
  report: "charts (Vega-Lite specs + SVG) and one self-contained index.html from run files",
  run: "replay a scenario with the open-model driver and write results.json",
  selftest: "self-tests of the load drivers (co: coordinated omission against a stalling server)",
  validate: "the main job: measure here, calibrate, project to the design's scale, report, gate",
  simulate:
    "project the architecture to 100M devices / 64 shards with the discrete-event simulator",
  status: "show each server's health, endpoint, PID and memory",
  token: "print a bearer token (JWT) for a user of the running stack",
  up: "install (once) and start the stack: postgres, kafka, s3, redis, nginx",
  version: "print the syncbench and Node versions",
};
