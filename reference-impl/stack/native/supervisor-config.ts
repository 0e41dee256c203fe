// The supervisord configuration of a native stack, as pure functions so it is unit tested: one
// [program:x] per server and service, none started by supervisord itself (`up` starts them in
// order and waits for each to be healthy), each restarted when it dies. The file holds the
// services' environment (secrets included), so it is written with mode 0600 beside the pid files.
import { join } from "node:path";
import { SyncbenchError } from "../../core/errors.ts";

export interface ProgramSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly uid?: number;
  readonly stopSignal: NodeJS.Signals;
  readonly stopGraceMs: number;
  readonly logFile: string;
}

export interface SupervisorPaths {
  readonly confFile: string;
  readonly socketFile: string;
  /** Our pid record of supervisord (process-control.ts), as for every process the stack starts. */
  readonly pidFile: string;
  readonly logFile: string;
}

export function supervisorPaths(rootDir: string): SupervisorPaths {
  return {
    confFile: join(rootDir, "run", "supervisord.conf"),
    socketFile: join(rootDir, "run", "supervisor.sock"),
    pidFile: join(rootDir, "run", "supervisor.pid"),
    logFile: join(rootDir, "logs", "supervisor.log"),
  };
}

/**
 * Restart policy. A program that ran for startsecs and died is started again at once (supervisord
 * notices the exit through SIGCHLD and spawns on its next tick, within about a second); one that
 * dies again before startsecs waits 1 s, 2 s, 3 s, ... (supervisord's linear backoff), and after
 * startretries such attempts it stays FATAL until the next `up`, which reports it.
 */
export const restartPolicy = { startSecs: 1, startRetries: 10 } as const;

/**
 * supervisord's main loop waits in select() for up to 1 s (a fixed `timeout = 1` in runforever)
 * and SIGCHLD does not cut that wait short (Python retries the interrupted call). A death is
 * reaped after one such wait and the new process spawned after the next, so a restart took up to
 * 2 s (s3 at 2.01 s after kill -9). An event listener would not help: its event is queued after
 * the reap and only delivered after the next wait. What does end a wait is output on any child's
 * pipe, so the tick program writes one byte every `tickMs`; each byte turns the loop once, and a
 * death is reaped and restarted within about two ticks. Cost: one small Python process and ten
 * loop turns a second (restart.bench.ts measures the effect).
 */
export const supervisorTick = { name: "supervisor-tick", tickMs: 100 } as const;

/** The tick program's [program:] block: started by supervisord itself, output discarded. */
function tickProgram(python: string): string {
  // One line (the file format has no line breaks in a value); `while` may not follow `;`, hence exec.
  const script =
    `import os, time; exec("while True: os.write(1, b'.'); ` +
    `time.sleep(${supervisorTick.tickMs / 1000})")`;
  return [
    `[program:${supervisorTick.name}]`,
    `command=${quote(python)} -c ${quote(script)}`,
    "priority=1",
    "autostart=true",
    "autorestart=true",
    "startsecs=0",
    "stopsignal=TERM",
    "stopwaitsecs=2",
    "redirect_stderr=true",
    // NONE discards the bytes, but supervisord still reads the pipe, which is what wakes it.
    "stdout_logfile=NONE",
    "",
  ].join("\n");
}

/** supervisord reads its file with Python %-interpolation and shell-like quoting. */
function quote(value: string): string {
  if (/[\n\r\0]/.test(value)) {
    throw new SyncbenchError(
      "STACK_CONFIG_INVALID",
      `a supervisord value holds a line break or NUL: ${JSON.stringify(value.slice(0, 40))}`,
    );
  }
  const escaped = value.replace(/%/g, "%%");
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(escaped)
    ? escaped
    : `"${escaped.replace(/(["\\])/g, "\\$1")}"`;
}

function program(spec: ProgramSpec, priority: number): string {
  if (!/^[a-z0-9-]+$/.test(spec.name))
    throw new SyncbenchError("STACK_CONFIG_INVALID", `program name ${spec.name}`);
  const env = Object.entries(spec.env ?? {}).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      throw new SyncbenchError("STACK_CONFIG_INVALID", `environment name ${k}`);
    return `${k}="${quote(v).replace(/^"|"$/g, "")}"`;
  });
  return [
    `[program:${spec.name}]`,
    `command=${[spec.command, ...spec.args].map(quote).join(" ")}`,
    ...(spec.cwd ? [`directory=${quote(spec.cwd)}`] : []),
    ...(spec.uid !== undefined ? [`user=${spec.uid}`] : []),
    ...(env.length > 0 ? [`environment=${env.join(",")}`] : []),
    `priority=${priority}`,
    "autostart=false",
    "autorestart=true",
    `startsecs=${restartPolicy.startSecs}`,
    `startretries=${restartPolicy.startRetries}`,
    `stopsignal=${spec.stopSignal.replace(/^SIG/, "")}`,
    `stopwaitsecs=${Math.ceil(spec.stopGraceMs / 1000)}`,
    // A stop or a SIGKILL after stopwaitsecs reaches the whole group (postgres backends, nginx
    // workers), so no child keeps holding a port.
    "stopasgroup=true",
    "killasgroup=true",
    "redirect_stderr=true",
    `stdout_logfile=${quote(spec.logFile)}`,
    "stdout_logfile_maxbytes=50MB",
    "stdout_logfile_backups=2",
    "",
  ].join("\n");
}

export function renderSupervisorConf(
  paths: SupervisorPaths,
  workDir: string,
  programs: readonly ProgramSpec[],
  python?: string,
): string {
  return [
    "; written by syncbench up: one program per server and service of this stack; do not edit",
    "[unix_http_server]",
    `file=${quote(paths.socketFile)}`,
    "chmod=0700",
    "",
    "[supervisord]",
    `logfile=${quote(paths.logFile)}`,
    "logfile_maxbytes=10MB",
    "logfile_backups=2",
    "loglevel=info",
    `pidfile=${quote(`${paths.socketFile}.pid`)}`,
    "nodaemon=true",
    "silent=true",
    `directory=${quote(workDir)}`,
    "",
    "[rpcinterface:supervisor]",
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
    "",
    "[supervisorctl]",
    `serverurl=unix://${quote(paths.socketFile)}`,
    "",
    ...(python ? [tickProgram(python)] : []),
    ...programs.map((p, i) => program(p, 100 + i)),
  ].join("\n");
}

export interface ExitRecord {
  readonly restarts: number;
  /** e.g. "2026-05-01 10:00:03 terminated by SIGKILL; not expected" */
  readonly lastExit?: string;
}

/**
 * Reads supervisord's log since its last start: each "exited: NAME (...)" line is a death it
 * restarted (a stop that `down` asked for logs "stopped:" instead), and "gave up:" means FATAL.
 */
export function exitHistory(log: string): Map<string, ExitRecord> {
  const lines = log.split("\n");
  let from = 0;
  lines.forEach((line, i) => {
    if (/ supervisord started with pid /.test(line)) from = i;
  });
  const history = new Map<string, ExitRecord>();
  for (const line of lines.slice(from)) {
    const exited = /^(\S+ \S+?),\d+ \w+ exited: (\S+) \((.*)\)$/.exec(line);
    if (exited) {
      const [, at, name, why] = exited as unknown as [string, string, string, string];
      history.set(name, {
        restarts: (history.get(name)?.restarts ?? 0) + 1,
        lastExit: `${at} ${why}`,
      });
    }
    const gaveUp = /^(\S+ \S+?),\d+ \w+ gave up: (\S+) entered FATAL/.exec(line);
    if (gaveUp) {
      const [, at, name] = gaveUp as unknown as [string, string, string];
      const before = history.get(name) ?? { restarts: 0 };
      history.set(name, {
        ...before,
        lastExit: `${at} gave up after ${restartPolicy.startRetries} quick exits (FATAL)`,
      });
    }
  }
  return history;
}
