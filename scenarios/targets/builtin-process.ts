// The built-in test target in its own process, as the CLI uses it: the generator and the
// target then have separate event loops and separate CPU figures, as with a real stack. The
// parent talks to it over IPC (its URL, and "publish notifications for N ms") and ends it by
// its own handle. builtin-process-main.ts is the child's entry.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SyncbenchError } from "../../reference-impl/core/errors.ts";
import type { PublishTally } from "../websocket/ws-devices.ts";
import type { NotificationHub } from "./ws-hub.ts";

const mainPath = fileURLToPath(new URL("./builtin-process-main.ts", import.meta.url));
const startTimeoutMs = 30_000;

export type BuiltinChildMessage =
  | { type: "listening"; url: string }
  | { type: "published"; requestId: number; tally: PublishTally };

/** The built-in target's child process publishes notifications as a hub does. */
export interface BuiltinProcess extends Pick<NotificationHub, "publishFor" | "close"> {
  readonly url: string;
  readonly pid: number;
}

function waitFor<T>(
  child: ChildProcess,
  match: (m: BuiltinChildMessage) => T | undefined,
  timeoutMs: number,
) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(
        new SyncbenchError("BUILTIN_TARGET_TIMEOUT", `built-in target ${child.pid} did not answer`),
      );
    }, timeoutMs);
    const onMessage = (m: BuiltinChildMessage) => {
      const value = match(m);
      if (value === undefined) return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(value);
    };
    child.on("message", onMessage);
  });
}

export async function startBuiltinProcess(): Promise<BuiltinProcess> {
  const child = fork(mainPath, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let url: string;
  try {
    url = await waitFor(child, (m) => (m.type === "listening" ? m.url : undefined), startTimeoutMs);
  } catch (error) {
    child.kill();
    throw error;
  }
  let nextRequestId = 0;
  return {
    url,
    pid: child.pid!,
    publishFor: (usersCount, ratePerS, durationMs, seed) => {
      const requestId = ++nextRequestId;
      child.send({ type: "publish", requestId, usersCount, ratePerS, durationMs, seed });
      const match = (m: BuiltinChildMessage) =>
        m.type === "published" && m.requestId === requestId ? m.tally : undefined;
      return waitFor(child, match, durationMs + startTimeoutMs);
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}
