// NotificationLog: what the NotificationService keeps beside the Registry (both on Redis). Per user,
// a bounded log of file_changed events in consumption order, each under a cursor (a Redis stream
// id, "<ms>-<seq>", increasing per user), appended once per eventId (Kafka delivers at least once);
// per device, the last cursor it acknowledged; and a bus per NotificationService pod, over which the
// pod that consumed an event hands it to the pods that hold the user's sockets.
import type { FileChangedEvent } from "../metadata-db/metadata-db.port.ts";

export interface LoggedEvent {
  readonly userId: string;
  /** Increasing per user: a device resumes after the last cursor it holds. */
  readonly cursor: string;
  readonly event: FileChangedEvent;
  /**
   * Set on live hand-overs only (never stored in the log): when Kafka got the event and when the
   * NotificationService consumed it, so a device can split its notification delay into parts.
   */
  readonly trace?: { readonly publishedAtMs?: number; readonly consumedAtMs: number };
}

export interface Subscription {
  close(): Promise<void>;
}

export interface NotificationLog {
  /** Appends the event to its user's log, unless its eventId was appended before (then `duplicate`). */
  append(
    event: FileChangedEvent,
  ): Promise<{ readonly entry: LoggedEvent; readonly duplicate: boolean }>;
  /** The user's entries after `afterCursor` (exclusive; undefined: from the oldest kept), oldest first. */
  readAfter(userId: string, afterCursor: string | undefined, limit: number): Promise<LoggedEvent[]>;
  /** The user's newest cursor, or "0-0" when the log is empty. */
  headCursor(userId: string): Promise<string>;
  saveDeviceCursor(userId: string, deviceId: string, cursor: string): Promise<void>;
  deviceCursor(userId: string, deviceId: string): Promise<string | undefined>;
  /** Hands an entry to one pod (at most once: a pod that is down misses it and its devices catch up). */
  sendToPod(podId: string, entry: LoggedEvent): Promise<void>;
  onPodEntries(podId: string, handler: (entry: LoggedEvent) => void): Promise<Subscription>;
  close(): Promise<void>;
}

/** Entries kept per user (older ones are trimmed; a device further behind gets a full resync). */
export const userLogEntriesMaxDefault = 10_000;
/** How long an eventId is remembered for deduplication. */
export const dedupTtlMsDefault = 24 * 3_600_000;

const cursorPattern = /^(\d{1,15})-(\d{1,15})$/;

export function isCursor(text: string): boolean {
  return cursorPattern.test(text);
}

/** Orders two cursors: negative when a is older than b. Both must satisfy isCursor. */
export function compareCursors(a: string, b: string): number {
  const [, am = "0", as = "0"] = cursorPattern.exec(a) ?? [];
  const [, bm = "0", bs = "0"] = cursorPattern.exec(b) ?? [];
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}
