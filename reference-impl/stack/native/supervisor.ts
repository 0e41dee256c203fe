// supervisord (Debian's `supervisor` package) runs every process of a native stack and restarts
// the ones that die. One supervisord per stack folder, started by `up` and recorded by PID like
// any server, listening only on a unix socket of mode 0700 in run/. Chosen over a hand-written
// supervisor: it is packaged, kept up to date by Debian, and does the subtle parts (SIGCHLD
// reaping, backoff, group kills, log rotation) that a home-grown loop would get wrong.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { SyncbenchError } from "../../core/errors.ts";
import { ensureAptBinary, type Progress } from "./install.ts";
import {
  isRecordAlive,
  readPidRecord,
  spawnServer,
  stopRecorded,
  tailLines,
} from "./process-control.ts";
import { rpcCall, RpcFault, rpcFaults, type RpcValue } from "./supervisor-rpc.ts";
import {
  exitHistory,
  renderSupervisorConf,
  supervisorPaths,
  type ExitRecord,
  type ProgramSpec,
  type SupervisorPaths,
} from "./supervisor-config.ts";

export type ProgramState =
  "STOPPED" | "STARTING" | "RUNNING" | "BACKOFF" | "STOPPING" | "EXITED" | "FATAL" | "UNKNOWN";

export interface ProgramInfo {
  readonly name: string;
  readonly state: ProgramState;
  /** 0 when not running */
  readonly pid: number;
  readonly description: string;
}

/** "/usr/bin/python3" from supervisord's "#!/usr/bin/python3" line; undefined when not a script. */
export function scriptInterpreter(binary: string): string | undefined {
  const head = readFileSync(binary).subarray(0, 200).toString("latin1");
  const match = /^#!\s*(\/\S+python3?(?:\.\d+)?)\s*\n/.exec(head);
  return match?.[1] && existsSync(match[1]) ? match[1] : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const readyTimeoutMs = 20_000;

export class Supervisor {
  readonly paths: SupervisorPaths;
  private binary = "supervisord";
  /** The interpreter supervisord runs on, for its tick program (supervisor-config.ts). */
  private python: string | undefined;

  constructor(
    private readonly rootDir: string,
    private readonly workDir: string,
  ) {
    this.paths = supervisorPaths(rootDir);
  }

  async install(progress: Progress): Promise<void> {
    this.binary = await ensureAptBinary(
      "supervisord",
      ["/usr/bin/supervisord"],
      "supervisor",
      progress,
    );
    this.python = scriptInterpreter(this.binary);
  }

  isRunning(): boolean {
    return isRecordAlive(readPidRecord(this.paths.pidFile));
  }

  pid(): number | undefined {
    const record = readPidRecord(this.paths.pidFile);
    return isRecordAlive(record) ? record.pid : undefined;
  }

  private call(
    method: string,
    params: readonly RpcValue[] = [],
    timeoutMs?: number,
  ): Promise<RpcValue> {
    return rpcCall(this.paths.socketFile, `supervisor.${method}`, params, timeoutMs);
  }

  /**
   * Writes the configuration (mode 0600), starts supervisord when it is not running, and applies
   * the configuration to a running one (added, changed and removed programs, as `supervisorctl
   * update`). Returns true when this call started supervisord.
   */
  async apply(programs: readonly ProgramSpec[], progress: Progress): Promise<boolean> {
    writeFileSync(
      this.paths.confFile,
      renderSupervisorConf(this.paths, this.workDir, programs, this.python),
      {
        mode: 0o600,
      },
    );
    chmodSync(this.paths.confFile, 0o600); // an existing file keeps its mode on write
    if (this.isRunning()) {
      await this.update(progress);
      return false;
    }
    const record = spawnServer({
      command: this.binary,
      args: ["-n", "-c", this.paths.confFile],
      logFile: this.paths.logFile,
      pidFile: this.paths.pidFile,
    });
    progress(`supervisor: started supervisord pid ${record.pid}, log ${this.paths.logFile}`);
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      try {
        await this.call("getState");
        return true;
      } catch (error) {
        if (!this.isRunning() || Date.now() > deadline) {
          await stopRecorded(this.paths.pidFile, "SIGTERM", 5000);
          throw new SyncbenchError(
            "STACK_UNHEALTHY",
            `supervisord did not start (${(error as Error).message}); log ` +
              `${this.paths.logFile}:\n    ${tailLines(this.paths.logFile, 8).join("\n    ")}`,
            { hint: "syncbench doctor" },
          );
        }
        await sleep(100);
      }
    }
  }

  private async update(progress: Progress): Promise<void> {
    const [[added, changed, removed]] = (await this.call("reloadConfig")) as unknown as [
      [string[], string[], string[]],
    ];
    for (const group of [...removed, ...changed]) {
      await this.stopGroup(group);
      await this.call("removeProcessGroup", [group]);
    }
    for (const group of [...changed, ...added]) await this.call("addProcessGroup", [group]);
    for (const group of removed)
      progress(`${group}: stopped and removed (no longer part of the stack)`);
    for (const group of changed) progress(`${group}: configuration changed, stopped to start anew`);
  }

  private async stopGroup(group: string): Promise<void> {
    try {
      await this.call("stopProcessGroup", [group, true], 60_000);
    } catch (error) {
      if (!(error instanceof RpcFault && error.faultCode === rpcFaults.badName)) throw error;
    }
  }

  async programs(): Promise<Map<string, ProgramInfo>> {
    const list = (await this.call("getAllProcessInfo")) as Array<Record<string, RpcValue>>;
    return new Map(
      list.map((p) => [
        String(p.name),
        {
          name: String(p.name),
          state: String(p.statename) as ProgramState,
          pid: Number(p.pid),
          description: String(p.description),
        },
      ]),
    );
  }

  /** Asks supervisord to start a program and returns at once; the caller waits for health. */
  async start(name: string): Promise<void> {
    try {
      await this.call("startProcess", [name, false]);
    } catch (error) {
      if (!(error instanceof RpcFault && error.faultCode === rpcFaults.alreadyStarted)) throw error;
    }
  }

  /** Stops a program and waits for it (its stopwaitsecs, then SIGKILL to its group). */
  async stop(name: string): Promise<"stopped" | "not-running"> {
    try {
      await this.call("stopProcess", [name, true], 120_000);
      return "stopped";
    } catch (error) {
      if (
        error instanceof RpcFault &&
        [rpcFaults.notRunning, rpcFaults.badName].includes(error.faultCode as 10 | 70)
      ) {
        return "not-running";
      }
      throw error;
    }
  }

  async signal(name: string, signal: NodeJS.Signals): Promise<void> {
    await this.call("signalProcess", [name, signal.replace(/^SIG/, "")]);
  }

  /** Stops supervisord itself (it stops what still runs first), by its recorded PID. */
  async shutdown(): Promise<"stopped" | "not-running"> {
    return stopRecorded(this.paths.pidFile, "SIGTERM", 120_000);
  }

  /** Restarts and last exit per program since supervisord started, from its log. */
  exitHistory(): Map<string, ExitRecord> {
    return existsSync(this.paths.logFile)
      ? exitHistory(readFileSync(this.paths.logFile, "utf8"))
      : new Map();
  }
}
