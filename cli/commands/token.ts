// `syncbench token --user U`: a bearer token for the running stack's services (HS256, signed with
// the secret its provider keeps with the stack's data), for curl, scenarios and k6.
import { apiLimits } from "../../reference-impl/core/limits.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { stackToken } from "../../reference-impl/stack/stack-access.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";
import { providerFor } from "../stack-cli.ts";

const ttlSMax = apiLimits.tokenLifetimeSMax; // the services refuse an exp further ahead

export const command: Command = {
  summary: "print a bearer token (JWT) for a user of the running stack",
  help: `usage: syncbench token --user U [--ttl-s S] [--json]

  --user    user id (1..256 characters); the services scope every query to it
  --ttl-s   lifetime in seconds, 1..${ttlSMax} (default 3600)

example: curl -H "Authorization: Bearer $(npx syncbench token --user alice)" http://127.0.0.1:8080/v1/...`,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      { ...commonOptions, user: { type: "string" }, "ttl-s": { type: "string" } },
      false,
    );
    const user = values.user ?? "";
    if (user.length < 1 || user.length > 256)
      throw new UsageError(`--user must be 1..256 characters, got "${user}"`);
    const ttlS = values["ttl-s"] === undefined ? 3600 : Number(values["ttl-s"]);
    if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > ttlSMax)
      throw new UsageError(`--ttl-s must be an integer 1..${ttlSMax}, got "${values["ttl-s"]}"`);
    const issued = stackToken(await providerFor(ctx), { user, ttlS, nowMs: Date.now() });
    ctx.out(values.json ? JSON.stringify(issued) : issued.token);
    return exitCodes.ok;
  },
};
