// The fault lab (issue 17, `syncbench chaos`): a bounded load of simulated devices keeps an
// acknowledgement log, a notification consumer follows a few of them, the fault is injected by
// PID through the stack's supervisor, the load goes on while the stack recovers (`up` when the
// supervisor did not bring it back in time), then every acknowledged version is read back through
// the download path and fsck runs. The stack is reached through StackControl (the CLI builds it),
// so this file never touches a provider's internals; the judging is pure (audit.ts, recovery.ts,
// event-order.ts, fault-table.ts).
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { Random } from "../operations/random.ts";
import { auditAcks } from "./audit.ts";
import { DeviceLoad } from "./device-load.ts";
import { observeAcks } from "./download-audit.ts";
import { EventConsumer } from "./event-consumer.ts";
import { checkEvents } from "./event-order.ts";
import { verdictReasons, type FaultResult } from "./fault-table.ts";
import { chaosLimits, type Fault } from "./faults.ts";
import { recoveryOf } from "./recovery.ts";

export interface ProcessState {
  readonly name: string;
  readonly healthy: boolean;
  readonly pid?: number;
}

/** What the lab needs of the running stack. */
export interface StackControl {
  readonly gatewayUrl: string;
  readonly jwtSecret: string;
  processes(): Promise<readonly ProcessState[]>;
  /** Sends `signal` to the program's process through the supervisor; returns the PID hit. */
  kill(name: string): Promise<number>;
  up(): Promise<void>;
  fsck(): Promise<{ readonly violations: number; readonly note?: string }>;
}

export interface LabOptions {
  readonly durationS: number;
  readonly ratePerS: number;
  readonly devices: number;
  readonly seed: number;
  /** Folder for the acknowledgement logs. */
  readonly logDir: string;
  readonly log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tokenLifetimeS = 3600;

async function allHealthy(control: StackControl, target: string, killedPid: number) {
  const processes = await control.processes().catch(() => []);
  const hit = processes.find((p) => p.name === target);
  return (
    processes.length > 0 &&
    processes.every((p) => p.healthy) &&
    hit?.pid !== undefined &&
    hit.pid !== killedPid
  );
}

/** The fault's program, or exit 3 when this stack does not run it (e.g. no gc-worker yet). */
export async function checkFaultAvailable(control: StackControl, fault: Fault): Promise<void> {
  const processes = await control.processes();
  if (!processes.some((p) => p.name === fault.target)) {
    throw new SyncbenchError(
      "ENV_FAULT_UNAVAILABLE",
      `${fault.name}: not available in this stack (it runs no "${fault.target}" program; ` +
        `running: ${processes.map((p) => p.name).join(", ")})`,
      { hint: "syncbench status" },
    );
  }
}

export async function runFault(
  fault: Fault,
  control: StackControl,
  options: LabOptions,
): Promise<FaultResult> {
  await checkFaultAvailable(control, fault);
  if (!(await control.processes()).every((p) => p.healthy)) {
    options.log("the stack is not healthy before the fault; running up first");
    await control.up();
  }
  const runTag = randomBytes(4).toString("hex");
  mkdirSync(options.logDir, { recursive: true });
  const ackLogFile = join(options.logDir, `${fault.name}-${runTag}.acks.jsonl`);
  const expS = Math.floor(Date.now() / 1000) + tokenLifetimeS;
  const tokens = new Map<string, string>();
  const tokenFor = (userId: string) => {
    let token = tokens.get(userId);
    if (!token)
      tokens.set(userId, (token = signJwt({ sub: userId, exp: expS }, control.jwtSecret)));
    return token;
  };
  const random = new Random(options.seed, "chaos-lab");
  const load = new DeviceLoad({
    gatewayUrl: control.gatewayUrl,
    tokenFor,
    devices: options.devices,
    ratePerS: options.ratePerS,
    runTag,
    seed: options.seed,
    ackLogFile,
  });
  const consumerUsers = load.users(Math.min(chaosLimits.consumerUsersMax, options.devices));
  const consumer = new EventConsumer({
    gatewayUrl: control.gatewayUrl,
    users: consumerUsers,
    tokenFor,
    random: () => random.next(),
  });
  await consumer.start();
  options.log(
    `${fault.name}: ${options.devices} devices at ${options.ratePerS}/s for ${options.durationS} s, ` +
      `acknowledgement log ${ackLogFile}`,
  );
  const startMs = Date.now();
  load.start();
  const preFaultMs = Math.max(5000, (options.durationS * 1000) / 4);
  await sleep(preFaultMs);
  const pid = await control.kill(fault.target);
  const faultAtMs = Date.now();
  options.log(`${fault.name}: SIGKILL to ${fault.target} pid ${pid}; load goes on`);
  const { healthyAtMs, ranUp } = await awaitRecovery(
    fault,
    control,
    pid,
    faultAtMs,
    startMs,
    options,
  );
  // A few healthy seconds under load, so the recovery is measured and not assumed.
  const endMs = Math.max(startMs + options.durationS * 1000, (healthyAtMs ?? Date.now()) + 8000);
  await sleep(Math.max(0, endMs - Date.now()));
  await load.stop();
  const stopAtMs = Date.now();
  options.log(`${fault.name}: load stopped; ${load.acks.length} commits acknowledged; auditing`);
  const eventsFor = () => checkEvents(consumer.seen, load.acks, new Set(consumerUsers));
  for (let waited = 0; eventsFor().missing > 0 && waited < 20_000; waited += 500) await sleep(500);
  consumer.stop();
  const audit = auditAcks(
    load.acks,
    await observeAcks(load.acks, {
      gatewayUrl: control.gatewayUrl,
      tokenFor,
      random: () => random.next(),
    }),
  );
  const fsck = await fsckSettled(control);
  const recovery = recoveryOf(load.outcomes, { faultAtMs, endAtMs: stopAtMs });
  const result = {
    fault: fault.name,
    target: { name: fault.target, pid },
    durationS: Math.round((stopAtMs - startMs) / 1000),
    ratePerS: options.ratePerS,
    devices: options.devices,
    acknowledged: audit.acknowledged,
    found: audit.found,
    lost: audit.lost,
    losses: audit.losses,
    errorsByCode: Object.fromEntries(load.errorsByCode),
    attempts: load.attempts,
    events: eventsFor(),
    recoverySeconds: recovery.recoverySeconds,
    baselineErrorRate: recovery.baselineErrorRate,
    healthyAfterS: healthyAtMs === undefined ? undefined : (healthyAtMs - faultAtMs) / 1000,
    ranUp,
    fsck: { clean: fsck.violations === 0, ...fsck },
  };
  const why = verdictReasons(result);
  return { ...result, passed: why.length === 0, why };
}

async function awaitRecovery(
  fault: Fault,
  control: StackControl,
  pid: number,
  faultAtMs: number,
  startMs: number,
  options: LabOptions,
): Promise<{ healthyAtMs: number | undefined; ranUp: boolean }> {
  const deadlineMs =
    Math.max(startMs + options.durationS * 1000, faultAtMs) + chaosLimits.recoveryWaitSMax * 1000;
  let ranUp = false;
  await sleep(300); // the dying process must not still answer the first check
  while (Date.now() < deadlineMs) {
    if (await allHealthy(control, fault.target, pid)) return { healthyAtMs: Date.now(), ranUp };
    if (!ranUp && Date.now() - faultAtMs > chaosLimits.upAfterS * 1000) {
      options.log(
        `${fault.name}: not healthy ${chaosLimits.upAfterS} s after the fault; running up`,
      );
      ranUp = true;
      await control.up().catch((error: Error) => options.log(`up failed: ${error.message}`));
      continue;
    }
    await sleep(250);
  }
  return { healthyAtMs: undefined, ranUp };
}

/** fsck once the outbox had time to drain: a violation must hold on three reads 5 s apart. */
async function fsckSettled(control: StackControl): Promise<{ violations: number; note?: string }> {
  let report = await control.fsck();
  for (let i = 0; i < 2 && report.violations > 0; i++) {
    await sleep(5000);
    report = await control.fsck();
  }
  return report;
}
