// Replays every request of a k6 data file once through syncbench's own open-model driver against
// the stack it was prepared on: each user's listing (its token on /v1/files?prefix=), each
// committed file's content (/v1/files/content), and each edit as the script sends it
// (upload-init, the delta on its base, the commit on the version upload-init reported). The
// operations go one after another (each deferred until the one before settled), so two edits of
// one file never race. Block URLs are issued at run time and are not in the data file. Returns
// the driver's counts per operation: every request succeeded when no operation has an error.
import { defaultDriverLimits, runOpenModel } from "../open-model/http-open-model.ts";
import type { OperationPlan, Step } from "../operations/routes.ts";
import type { K6Data } from "./k6-data.ts";

export interface ReplayOutcome {
  readonly okByOperation: Record<string, number>;
  /** "<operation> <code>" -> count; empty when every request succeeded. */
  readonly errors: Record<string, number>;
  readonly plannedCount: number;
}

const json = "application/json";
const octets = "application/octet-stream";

function headers(token: string, type?: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...(type ? { "content-type": type } : {}) };
}

/** The plans of the data file, in order: listings, contents, edits. */
export function replayPlans(data: K6Data): { operation: string; steps: Step[] }[] {
  const plans: { operation: string; steps: Step[] }[] = [];
  for (const user of data.users) {
    const path = `/v1/files?prefix=${encodeURIComponent(user.prefix)}&limit=1000`;
    const h = headers(user.token);
    plans.push({
      operation: "listFolder",
      steps: [{ route: "filesList", method: "GET", path, headers: h }],
    });
    for (const file of user.files) {
      const content = `/v1/files/content?path=${encodeURIComponent(file)}`;
      plans.push({
        operation: "download",
        steps: [{ route: "filesList", method: "GET", path: content, headers: h }],
      });
    }
  }
  for (const e of data.edits) {
    const token = data.users[e.u]!.token;
    const file = { path: e.path, size: e.size, blockHashes: [e.hash] };
    const commitBody = (kept: Uint8Array) => {
      const plan = JSON.parse(Buffer.from(kept).toString("utf8")) as {
        uploadId?: string;
        currentVersion?: number;
      };
      const body = { uploadId: plan.uploadId, ...file, baseVersion: plan.currentVersion ?? 0 };
      return Buffer.from(JSON.stringify(body));
    };
    plans.push({
      operation: "deltaUpload",
      steps: [
        {
          route: "uploadInit",
          method: "POST",
          path: "/v1/files/upload-init",
          headers: headers(token, json),
          body: Buffer.from(JSON.stringify(file)),
          keepResponse: true,
        },
        {
          route: "blockDelta",
          method: "PUT",
          path: `/v1/blocks/${e.hash}/delta?base=${e.base}`,
          headers: headers(token, octets),
          body: Buffer.from(e.delta, "base64"),
        },
        {
          route: "uploadFinalize",
          method: "POST",
          path: "/v1/files/commit",
          headers: headers(token, json),
          bodyFrom: commitBody,
        },
      ],
    });
  }
  return plans;
}

export async function replayK6Data(data: K6Data, baseUrl: string): Promise<ReplayOutcome> {
  const plans = replayPlans(data);
  const ratePerS = 5;
  let next = 0;
  let previous: Promise<void> = Promise.resolve();
  const nextPlan = (): OperationPlan => {
    const planned = plans[next++];
    if (!planned) return { operation: "replay-done", steps: [], failWith: "K6_REPLAY_DONE" };
    let settled!: () => void;
    const done = new Promise<void>((resolve) => (settled = resolve));
    const before = previous;
    previous = done;
    return {
      ...planned,
      settle: () => settled(),
      deferUntil: (start) => void before.then(start),
    };
  };
  const outcome = await runOpenModel({
    baseUrl,
    arrival: {
      kind: "constant-arrival-rate",
      ratePerS,
      durationS: Math.ceil(plans.length / ratePerS) + 1,
      spacing: "uniform",
    },
    poisson: false,
    seed: data.seed,
    warmupMs: 0,
    operations: ["listFolder", "download", "deltaUpload", "replay-done"],
    nextPlan,
    limits: { ...defaultDriverLimits, drainTimeoutMs: 60_000 },
  });
  const okByOperation: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const [name, s] of outcome.stats.operations) {
    if (name === "replay-done") continue;
    okByOperation[name] = s.okCount;
    for (const [code, n] of s.errorsByCode) errors[`${name} ${code}`] = n;
  }
  if (outcome.unfinishedCount > 0) errors["unfinished"] = outcome.unfinishedCount;
  return { okByOperation, errors, plannedCount: plans.length };
}
