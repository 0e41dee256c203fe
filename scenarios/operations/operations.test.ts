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
function fakePool(answers: { status: number; body?: string }[]) {
  const sent: Http1Request[] = [];
  const pool = {
    request(request: Http1Request, handler: ResponseHandler) {
      sent.push(request);
      const answer = answers.shift() ?? { status: 200 };
      const body =
        request.keepResponse && answer.body !== undefined ? Buffer.from(answer.body) : undefined;
      queueMicrotask(() => handler.onResponse(answer.status, body));
    },
  } as unknown as Http1Pool;
  return { pool, sent };
}

function run(plan: OperationPlan, answers: { status: number; body?: string }[]) {
  const { pool, sent } = fakePool(answers);
  return new Promise<{ code: string | undefined; sent: Http1Request[] }>((resolve) => {
    new Exchange(pool, plan, 0, 0, (_, code) => resolve({ code, sent })).start();
  });
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
