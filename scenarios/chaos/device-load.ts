// The fault lab's load: `devices` simulated devices, each its own user with a few files, commit
// new content at `ratePerS` in total (a fixed-spacing schedule; a device works on one commit at a
// time, and a tick that finds every device busy is counted as skipped, so the load stays bounded
// whatever the stack does). One commit is the upload protocol: upload-init, the block PUT when the
// service lacks it, the commit with the issued uploadId (retried with the same id, so a retry
// replays the result). Each 200 commit is appended to the acknowledgement log at once.
import { appendFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { Random } from "../operations/random.ts";
import type { Ack } from "./audit.ts";
import type { Outcome } from "./recovery.ts";
import { codeOf, requestWithRetries, type ApiAnswer, type Attempt } from "./api-client.ts";

export interface DeviceLoadOptions {
  readonly gatewayUrl: string;
  readonly tokenFor: (userId: string) => string;
  readonly devices: number;
  readonly ratePerS: number;
  /** Names this run's users and paths, so runs never meet. */
  readonly runTag: string;
  readonly seed: number;
  /** JSON lines, one per acknowledged commit. */
  readonly ackLogFile: string;
}

export const deviceLoadLimits = {
  filesPerDevice: 3,
  fileBytesMin: 1024,
  fileBytesMax: 48 * 1024,
} as const;

interface Device {
  readonly userId: string;
  busy: boolean;
  readonly versions: number[];
  next: number;
}

const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export class DeviceLoad {
  readonly acks: Ack[] = [];
  readonly outcomes: Outcome[] = [];
  readonly errorsByCode = new Map<string, number>();
  attempts = 0;
  skipped = 0;
  /** Commits that ended without a 200 after their retries. */
  failedCommits = 0;
  private readonly devices: Device[];
  private readonly random: Random;
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private cursor = 0;

  constructor(private readonly options: DeviceLoadOptions) {
    // The run's tag in the stream's name: each run uploads content no earlier run stored, so no
    // block is deduplicated against another user's (which would ask for a possession proof).
    this.random = new Random(options.seed, `chaos-load-${options.runTag}`);
    this.devices = Array.from({ length: options.devices }, (_, i) => ({
      userId: `chaos-${options.runTag}-d${i}`,
      busy: false,
      versions: Array.from({ length: deviceLoadLimits.filesPerDevice }, () => 0),
      next: 0,
    }));
  }

  /** The users of the first `count` devices (the notification consumer follows them). */
  users(count: number): string[] {
    return this.devices.slice(0, count).map((d) => d.userId);
  }

  start(): void {
    const spacingMs = 1000 / this.options.ratePerS;
    const startMs = Date.now();
    let sent = 0;
    const tick = () => {
      const due = Math.floor((Date.now() - startMs) / spacingMs) + 1;
      for (; sent < due; sent++) this.launch();
      this.timer = setTimeout(tick, Math.max(1, startMs + sent * spacingMs - Date.now()));
    };
    tick();
  }

  /** Stops sending and waits for the commits in progress (each bounded by its retries). */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await Promise.all([...this.running]);
  }

  private launch(): void {
    const count = this.devices.length;
    for (let i = 0; i < count; i++) {
      const device = this.devices[(this.cursor + i) % count] as Device;
      if (device.busy) continue;
      this.cursor = (this.cursor + i + 1) % count;
      device.busy = true;
      const work = this.commitOnce(device).finally(() => {
        device.busy = false;
        this.running.delete(work);
      });
      this.running.add(work);
      return;
    }
    this.skipped++;
  }

  private record = (attempt: Attempt): void => {
    this.attempts++;
    this.outcomes.push({ atMs: attempt.atMs, ok: attempt.ok });
    if (!attempt.ok) {
      const code = attempt.code ?? "UNKNOWN";
      this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + 1);
    }
  };

  private content(): Uint8Array {
    const { fileBytesMin, fileBytesMax } = deviceLoadLimits;
    const size = fileBytesMin + this.random.int(fileBytesMax - fileBytesMin + 1);
    const bytes = new Uint8Array(size);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i + 4 <= size; i += 4) view.setUint32(i, this.random.nextUint32());
    return bytes;
  }

  private async commitOnce(device: Device): Promise<void> {
    const fileIndex = device.next;
    device.next = (device.next + 1) % device.versions.length;
    const path = `/chaos/${this.options.runTag}/f${fileIndex}.bin`;
    const bytes = this.content();
    const hash = sha256Hex(bytes); // one block: the file's hash is its block's
    const baseVersion = device.versions[fileIndex] as number;
    const token = this.options.tokenFor(device.userId);
    const base = this.options.gatewayUrl;
    const send = (spec: Parameters<typeof requestWithRetries>[0]) =>
      requestWithRetries({ ...spec, token }, this.record, () => this.random.next());
    const file = { path, size: bytes.length, blockHashes: [hash], baseVersion };
    const init = await send({ method: "POST", url: `${base}/v1/files/upload-init`, json: file });
    if (!this.accepted(init)) return;
    const answer = init!.json as { uploadId: string; missing: string[] };
    if (answer.missing.includes(hash)) {
      const put = await send({ method: "PUT", url: `${base}/v1/blocks/${hash}`, raw: bytes });
      if (!this.accepted(put)) return;
    }
    const commit = await send({
      method: "POST",
      url: `${base}/v1/files/commit`,
      json: { ...file, uploadId: answer.uploadId },
    });
    if (commit && commit.status === 409) {
      // A commit that succeeded unseen (its answer lost to the fault) moved the file on: follow it.
      const current = (commit.json.error as { currentVersion?: number }).currentVersion;
      if (typeof current === "number") device.versions[fileIndex] = current;
    }
    if (!this.accepted(commit)) return;
    const version = commit!.json.version as number;
    device.versions[fileIndex] = version;
    const ack: Ack = {
      userId: device.userId,
      path,
      version,
      sha256: hash,
      sizeBytes: bytes.length,
      ackedAtMs: Date.now(),
    };
    this.acks.push(ack);
    appendFileSync(this.options.ackLogFile, `${JSON.stringify(ack)}\n`);
  }

  private accepted(answer: ApiAnswer | undefined): boolean {
    if (answer && answer.status < 300) return true;
    this.failedCommits++;
    if (answer && answer.status < 500 && answer.status !== 429 && answer.status !== 409) {
      // A 4xx other than a conflict is the lab's own bug, not the fault's: say it loudly.
      process.stderr.write(`chaos: commit refused ${answer.status} ${codeOf(answer)}\n`);
    }
    return false;
  }
}
