// `syncbench cost --users N [--variant V0|V1|V2] [--json]`: the monthly cost of the design for N
// users from the dated price table (reports/cost/price-table.ts), every assumption listed.
import { estimateCost, variantNames, type VariantName } from "../../reports/cost/cost-model.ts";
import { costLines } from "../../reports/cost/print.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";

export const costLimits = { usersMin: 1, usersMax: 10_000_000_000 } as const;

export const command: Command = {
  summary: "monthly cost for N users of a variant, from a dated price table, assumptions listed",
  help: `usage: syncbench cost --users N [--variant V0|V1|V2] [--json]

Prices the design for N users (default variant V2): compute for the pods, S3 storage, requests
and egress, CloudFront, MetadataDB, Kafka, the Redis registry and load balancers, from AWS list
prices for us-east-1 as of the date printed (reports/cost/price-table.ts: an assumption to check
and update). The capacity plan scales the design's pod, shard and broker counts from 700M users
until \`simulate plan\` sizes them. Every assumption is printed with its source.
Example: syncbench cost --users 700000000 --variant V2. Exit codes: 0 ok, 2 usage error.`,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      { ...commonOptions, users: { type: "string" }, variant: { type: "string" } },
      false,
    );
    if (values.users === undefined) throw new UsageError("missing --users N (the user count)");
    const users = Number(values.users.replaceAll("_", ""));
    if (!Number.isInteger(users) || users < costLimits.usersMin || users > costLimits.usersMax) {
      throw new UsageError(
        `--users must be an integer from ${costLimits.usersMin} to ` +
          `${costLimits.usersMax}, got "${values.users}"`,
      );
    }
    const variant = values.variant ?? "V2";
    if (!(variantNames as readonly string[]).includes(variant)) {
      throw new UsageError(`--variant must be one of ${variantNames.join(", ")}, got "${variant}"`);
    }
    const estimate = estimateCost(variant as VariantName, users);
    if (values.json) ctx.out(JSON.stringify(estimate));
    else for (const line of costLines(estimate)) ctx.out(line);
    return 0;
  },
};
