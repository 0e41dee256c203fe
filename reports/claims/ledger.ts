// The claims ledger: every claim of design/CLAIMS.md evaluated by its methods, one function per
// claim below, each fed by the design's figures (inputs.ts) and the evidence files given. No
// verdict is written here: each part's comes from a function in arithmetic.ts, measured.ts,
// simulated.ts, assumptions.ts, availability.ts or cost-claims.ts. Pure: the CLI reads files.
import { defaultAssumptions, estimateCost, type CostAssumptions } from "../cost/cost-model.ts";
import { priceTable, tieredUsd, type PriceTable } from "../cost/price-table.ts";
import * as arithmetic from "./arithmetic.ts";
import * as assumptions from "./assumptions.ts";
import { c33 } from "./availability.ts";
import { claimTexts } from "./claims-list.ts";
import { c31, c32 } from "./cost-claims.ts";
import { designInputs, noEvidence, targetMs, type DesignInputs, type Evidence } from "./inputs.ts";
import * as measured from "./measured.ts";
import * as simulated from "./simulated.ts";
import * as onStack from "./variant-claims.ts";
import {
  combine,
  methods,
  unverifiable,
  type ClaimRow,
  type Method,
  type Part,
} from "./verdict.ts";

export interface LedgerInputs {
  readonly design: DesignInputs;
  readonly evidence: Evidence;
  readonly cost: CostAssumptions;
  readonly prices: PriceTable;
}

export function ledgerInputs(evidence: Evidence = noEvidence): LedgerInputs {
  return { design: designInputs(), evidence, cost: defaultAssumptions(), prices: priceTable };
}

interface Evaluation {
  readonly parts: readonly Part[];
  readonly sensitivity?: readonly string[];
}

type Evaluate = (i: LedgerInputs) => Evaluation;
const p = (...parts: Part[]): Evaluation => ({ parts });
const latency = (i: LedgerInputs, metric: string, experiment = "design-peak") => [
  measured.latency(i.design, i.evidence, metric),
  simulated.targetsOf(i.design, i.evidence, metricClaim(i.design, metric), experiment),
];
const metricClaim = (d: DesignInputs, metric: string) =>
  d.targets.find((t) => t.metric === metric)!.claims[0]!;

const evaluations: Record<string, Evaluate> = {
  C01: (i) => p(measured.c01(i.design, i.evidence)),
  C02: (i) => p(arithmetic.c02(i.design), measured.c02(i.design, i.evidence)),
  C03: (i) => p(measured.editWorkloads(i.design, i.evidence, "C03")),
  C04: (i) => p(measured.c04(i.design, i.evidence)),
  C05: (i) => p(measured.c05(i.design, i.evidence)),
  C06: (i) => p(arithmetic.c06(i.design), measured.c06(i.design, i.evidence)),
  C07: (i) => p(arithmetic.c07(i.design)),
  C08: (i) => p(arithmetic.c08(i.design), measured.editWorkloads(i.design, i.evidence, "C08")),
  C09: (i) => p(...latency(i, "deltaUpload.latencyMsP99")),
  C10: (i) =>
    p(
      measured.latency(i.design, i.evidence, "notification.freshnessMsP50", [
        "notification.pushMsP99",
        "notification.freshnessMsP50",
      ]),
      simulated.targetsOf(i.design, i.evidence, "C10", "design-peak"),
    ),
  C11: (i) => p(...latency(i, "notification.freshnessMsP99")),
  C12: (i) => p(...latency(i, "download.latencyMsP99")),
  C13: (i) =>
    p(
      simulated.targetsOf(i.design, i.evidence, "C13", "cdn-hit-rate"),
      unverifiable(
        "measured",
        "results.json records no CDN cache status; X-Cache hit/miss " +
          "counts from the edge during a download run would decide it",
      ),
    ),
  C14: (i) => p(simulated.c14(i.evidence)),
  C15: (i) => {
    const a = assumptions.c15(i.design, i.evidence, i.cost);
    return { parts: [a.part], sensitivity: a.sensitivity };
  },
  C16: (i) =>
    p(
      arithmetic.c16(i.design),
      unverifiable(
        "measured",
        "no run times upload-init " +
          "alone for a 250-hash file; a scenario of 1 GB new-file uploads timing upload-init would",
      ),
    ),
  C17: (i) => p(arithmetic.c17(i.design)),
  C18: (i) => p(arithmetic.c18(i.design), simulated.c18(i.design, i.evidence)),
  C19: (i) => p(arithmetic.c19(i.design), onStack.c19(i.design, i.evidence)),
  C20: (i) => p(arithmetic.c20(i.design)),
  C21: (i) =>
    p(
      arithmetic.c21(i.design, targetMs(i.design, "notification.freshnessMsP50")),
      measured.c21(i.design, i.evidence),
      onStack.c21(i.design, i.evidence),
    ),
  C22: (i) => p(arithmetic.c22(i.design), simulated.c22(i.design, i.evidence)),
  C23: (i) => {
    const a = assumptions.c23(i.design);
    return { parts: [a.part], sensitivity: a.sensitivity };
  },
  C24: (i) => p(arithmetic.c24(i.design)),
  C25: (i) => p(arithmetic.c25(i.design), ...latency(i, "listFolder.latencyMsP50")),
  C26: (i) => {
    const a = assumptions.c26(i.design, i.cost);
    return { parts: [a.part], sensitivity: a.sensitivity };
  },
  C27: (i) => p(arithmetic.c27(i.design)),
  C28: (i) =>
    p(
      arithmetic.c28(i.design, i.cost.storedGBPerUser.value, i.design.stated.C35.editsPerDay),
      simulated.targetsOf(i.design, i.evidence, "C28", "gc-backlog"),
    ),
  C29: (i) => p(arithmetic.c29(i.design, (gb) => tieredUsd(i.prices.s3.storageTiers, gb))),
  C30: (i) =>
    p(
      simulated.targetsOf(i.design, i.evidence, "C30", "kafka-lag"),
      unverifiable(
        "measured",
        "results.json records no consumer lag; the NotificationService " +
          "and GcWorker groups' lag sampled during a run would decide it",
      ),
    ),
  C31: (i) => p(c31(i.design, i.cost, i.prices)),
  C32: (i) => p(c32(i.design, i.prices)),
  C33: (i) => p(c33(i.design)),
  C34: (i) =>
    p(
      arithmetic.c34(i.design, targetMs(i.design, "deltaUpload.latencyMsP99") / 1000),
      measured.latency(i.design, i.evidence, "deltaUpload.latencyMsP99"),
      onStack.c34(i.design, i.evidence),
    ),
  C35: (i) =>
    p(
      arithmetic.c35(i.design),
      measured.c35(i.design, i.evidence),
      onStack.c35(i.design, i.evidence),
    ),
  C36: (i) =>
    p(
      arithmetic.c36Polling(i.design),
      measured.latency(i.design, i.evidence, "notification.freshnessMsP99"),
      simulated.targetsOf(i.design, i.evidence, "C36", "design-peak", true),
      onStack.c36(i.design, i.evidence),
    ),
};

function methodsOf(parts: readonly Part[]): Method[] {
  return methods.filter((m) => parts.some((x) => x.method === m));
}

/** Every claim of CLAIMS.md, in its order, evaluated. */
export function evaluateClaims(inputs: LedgerInputs): ClaimRow[] {
  return claimTexts.map((c) => {
    const evaluate = evaluations[c.id];
    if (!evaluate) throw new RangeError(`claim ${c.id} has no evaluation in ledger.ts`);
    const { parts, sensitivity = [] } = evaluate(inputs);
    return {
      id: c.id,
      claim: c.claim,
      methods: methodsOf(parts),
      verdict: combine(parts),
      parts,
      sensitivity,
    };
  });
}

/** The cost model's V2 estimate at the design's scale, for the ledger's footer. */
export function designScaleCost(inputs: LedgerInputs) {
  return estimateCost("V2", inputs.design.usersCount, inputs.cost, inputs.prices);
}
