// `syncbench cost --users N [--variant V0|V1|V2] [--plan plan.json] [--json]`: the monthly cost of
// the design for N users from the dated price table (reports/cost/price-table.ts), every
// assumption listed; with --plan, V2 priced at the counts `simulate plan --out` sized.
import { parsePlanFile, type CapacityPlanFile } from "../../formats/plan.schema.ts";
import {
  defaultAssumptions,
  estimateCost,
  variantNames,
  type VariantName,
} from "../../reports/cost/cost-model.ts";
import { costLines } from "../../reports/cost/print.ts";
import { priceTable } from "../../reports/cost/price-table.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { readInputFile } from "../read-file.ts";

export const costLimits = { usersMin: 1, usersMax: 10_000_000_000 } as const;

function parseUsers(value: string): number {
  const users = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(users) || users < costLimits.usersMin || users > costLimits.usersMax) {
    throw new UsageError(
      `--users must be an integer from ${costLimits.usersMin} to ` +
        `${costLimits.usersMax}, got "${value}"`,
    );
  }
  return users;
}

export const command: Command = {
  summary: "monthly cost for N users of a variant, from a dated price table, assumptions listed",
  help: `usage: syncbench cost --users N [--variant V0|V1|V2] [--json]
       syncbench cost --plan plan.json [--json]

Prices the design for N users (default variant V2): compute for the pods, S3 storage, requests
and egress, CloudFront, MetadataDB, Kafka, the Redis registry and load balancers, from AWS list
prices for us-east-1 as of the date printed (reports/cost/price-table.ts: an assumption to check
and update). Without --plan, the design's pod, shard and broker counts are scaled from 700M
users. With --plan (what \`simulate plan --out plan.json\` writes), V2 is priced at the plan's
users and counts (ChunkService pods at the cores the plan simulated); --users, if given, must
match the plan's. Every assumption is printed with its source.
Example: syncbench cost --users 700000000 --variant V2. Exit codes: 0 ok, 2 usage error.`,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      {
        ...commonOptions,
        users: { type: "string" },
        variant: { type: "string" },
        plan: { type: "string" },
      },
      false,
    );
    const plan: CapacityPlanFile | undefined =
      values.plan === undefined
        ? undefined
        : parsePlanFile(readInputFile(values.plan, ctx.cwd, "capacity plan"), `"${values.plan}"`);
    if (values.users === undefined && plan === undefined)
      throw new UsageError("missing --users N (the user count) or --plan plan.json");
    const users = values.users === undefined ? plan!.users : parseUsers(values.users);
    const variant = values.variant ?? "V2";
    if (!(variantNames as readonly string[]).includes(variant)) {
      throw new UsageError(`--variant must be one of ${variantNames.join(", ")}, got "${variant}"`);
    }
    if (plan && variant !== "V2")
      throw new UsageError(
        `--plan sizes V2 (the design simulate plan runs), got --variant ${variant}`,
      );
    if (plan && users !== plan.users)
      throw new UsageError(
        `--users ${users} differs from the plan's ${plan.users} users ("${values.plan}"); ` +
          "a plan is priced at the population it was sized for",
      );
    const estimate = estimateCost(
      variant as VariantName,
      users,
      defaultAssumptions(),
      priceTable,
      plan,
    );
    if (values.json) ctx.out(JSON.stringify(estimate));
    else for (const line of costLines(estimate)) ctx.out(line);
    return 0;
  },
};
