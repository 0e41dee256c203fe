// The planner's upload operations send back the uploadId that upload-init issued: the init step
// keeps its answer, the commit builds its body from it (the ChunkService refuses any other id);
// the exchange carries the answer from one step to the next, and an answer without an uploadId
// fails the operation with a code instead of sending a commit the service would refuse.
import { describe, expect, it } from "vitest";
import { loadScenario } from "../library/index.ts";
import { applyOverrides } from "../run/effective.ts";
import { Exchange } from "../http1/http-exchange.ts";
import type { Http1Pool, Http1Request, ResponseHandler } from "../http1/http1-pool.ts";
import { OperationPlanner } from "./operations.ts";
import type { OperationPlan } from "./routes.ts";

function uploadPlans(prefix: string): OperationPlan[] {
  const scenario = applyOverrides(loadScenario("smoke"), { seed: 7 });
  const planner = new OperationPlanner(scenario, () => "token", prefix);
  return Array.from({ length: 200 }, () => planner.next()).filter((p) =>
    p.steps.some((s) => s.route === "uploadFinalize"),
  );
}

/** A pool that answers each request at once with the next canned answer, recording what was sent. */
type Answer = { status: number; body?: string; cache?: "HIT" | "MISS"; bytes?: number };

function fakePool(answers: Answer[]) {
  const sent: Http1Request[] = [];
  const pool = {
    request(request: Http1Request, handler: ResponseHandler) {
      sent.push(request);
      const answer = answers.shift() ?? { status: 200 };
      const body =
        request.keepResponse && answer.body !== undefined ? Buffer.from(answer.body) : undefined;
      const meta = {
        bodyBytes: answer.bytes ?? body?.length ?? 0,
        cache: answer.cache ?? ("" as const),
      };
      queueMicrotask(() => handler.onResponse(answer.status, body, meta));
    },
  } as unknown as Http1Pool;
  return { pool, sent };
}

function run(plan: OperationPlan, answers: Answer[]) {
  const { pool, sent } = fakePool(answers);
  return new Promise<{ code: string | undefined; sent: Http1Request[]; ex: Exchange }>(
    (resolve) => {
      new Exchange(pool, plan, 0, 0, (ex, code) => resolve({ code, sent, ex })).start();
    },
  );
}

describe("OperationPlanner upload operations", () => {
  it("keep upload-init's answer and build the commit from it, with the init's path and hashes", async () => {
    const plans = uploadPlans("/syncbench/smoke-a");
    expect(plans.length).toBeGreaterThan(10);
    for (const plan of plans.slice(0, 5)) {
      const init = plan.steps[0]!;
      expect(init).toMatchObject({ route: "uploadInit", keepResponse: true });
      const file = JSON.parse(Buffer.from(init.body!).toString()) as Record<string, unknown>;
      const issued = "0123abcd-1234-8abc-9abc-0123456789ab";
      const { code, sent } = await run(plan, [
        { status: 200, body: JSON.stringify({ uploadId: issued, missing: [] }) },
      ]);
      expect(code).toBeUndefined();
      const commit = JSON.parse(Buffer.from(sent.at(-1)!.body!).toString()) as Record<
        string,
        unknown
      >;
      expect(commit).toEqual({ uploadId: issued, ...file, baseVersion: 0 });
      expect(sent.at(-1)!.headers["content-type"]).toBe("application/json");
    }
  });

  it("fail with RESPONSE_UNUSABLE when upload-init answers without an uploadId, sending no commit", async () => {
    const [plan] = uploadPlans("/syncbench/smoke-b");
    const { code, sent } = await run(plan!, [{ status: 200, body: '{"missing":[]}' }]);
    expect(code).toBe("RESPONSE_UNUSABLE");
    expect(sent.some((s) => s.path === "/v1/files/commit")).toBe(false);
  });

  it("name new files from the seed and the run prefix: a rerun with another prefix never collides", () => {
    const paths = (prefix: string) =>
      uploadPlans(prefix).map(
        (p) => (JSON.parse(Buffer.from(p.steps[0]!.body!).toString()) as { path: string }).path,
      );
    expect(paths("/syncbench/smoke-a")).toEqual(paths("/syncbench/smoke-a"));
    const other = new Set(paths("/syncbench/smoke-b"));
    expect(paths("/syncbench/smoke-a").filter((p) => other.has(p))).toEqual([]);
  });
});

describe("OperationPlanner downloads and listings", () => {
  const scenario = applyOverrides(loadScenario("hot-downloads"), { seed: 7 });

  it("ask for the block list, then fetch each block on its signed URL at that URL's origin", async () => {
    const plan = new OperationPlanner(scenario, () => "token", "/syncbench/hot-a").next();
    expect(plan.operation).toBe("download");
    expect(plan.steps[0]).toMatchObject({ route: "fileContent", keepResponse: true });
    expect(plan.steps[0]!.path).toMatch(/^\/v1\/files\/content\?path=%2Fsyncbench%2Fhot-a/);
    const url = (h: string) => `http://127.0.0.1:9481/v1/blocks/${h}?u=user-1&e=99&s=sig`;
    const blocks = [{ url: url("a".repeat(64)) }, { url: url("b".repeat(64)) }];
    const { code, sent, ex } = await run(plan, [
      { status: 200, body: JSON.stringify({ blocks }) },
      { status: 200, cache: "HIT", bytes: 4_194_304 },
      { status: 200, cache: "MISS", bytes: 1_000 },
    ]);
    expect(code).toBeUndefined();
    expect(ex.transfer).toMatchObject({
      responsesCount: 3,
      cacheHitCount: 1,
      cacheMissCount: 1,
      cacheHitBytes: 4_194_304,
      cacheMissBytes: 1_000,
    });
    expect(sent.slice(1)).toMatchObject([
      { origin: "http://127.0.0.1:9481", path: `/v1/blocks/${"a".repeat(64)}?u=user-1&e=99&s=sig` },
      { origin: "http://127.0.0.1:9481", path: `/v1/blocks/${"b".repeat(64)}?u=user-1&e=99&s=sig` },
    ]);
  });

  it("fail with RESPONSE_UNUSABLE on a block list that is not one, fetching nothing", async () => {
    const plan = new OperationPlanner(scenario, () => "token", "/syncbench/hot-b").next();
    const { code, sent } = await run(plan, [{ status: 200, body: '{"blocks":"none"}' }]);
    expect(code).toBe("RESPONSE_UNUSABLE");
    expect(sent).toHaveLength(1);
  });

  it("walk a listing's pages while the answer names a next cursor", async () => {
    const listing = applyOverrides(loadScenario("design-peak-25k"), { seed: 7 });
    const planner = new OperationPlanner(listing, () => "token", "/syncbench/peak-a");
    const plans = Array.from({ length: 400 }, () => planner.next());
    const plan = plans.find((p) => p.operation === "listFolder")!;
    const { code, sent } = await run(plan, [
      { status: 200, body: '{"files":[],"nextCursor":"cDE6L3g"}' },
      { status: 200, body: '{"files":[],"nextCursor":null}' },
    ]);
    expect(code).toBeUndefined();
    expect(sent.map((s) => s.path)).toEqual([
      "/v1/files?prefix=%2Fsyncbench%2Fpeak-a%2Fdocs%2F&limit=1000",
      "/v1/files?prefix=%2Fsyncbench%2Fpeak-a%2Fdocs%2F&limit=1000&cursor=cDE6L3g",
    ]);
  });
});
