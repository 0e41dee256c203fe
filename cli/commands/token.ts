// `syncbench token --user U`: a bearer token for the running native stack's services (HS256, signed
// with the stack's secret from .syncbench/data/secrets.json), for curl, scenarios and k6.
import { apiLimits } from "../../reference-impl/core/limits.ts";
import { exitCodes } from "../../reference-impl/runtime/exit-codes.ts";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { stackSecrets } from "../../reference-impl/stack/native/app-services.ts";
import { loadStackConfig } from "../../reference-impl/stack/stack-config.ts";
import { commonOptions, parseFlags, UsageError, type Command } from "../command.ts";

const ttlSMax = apiLimits.tokenLifetimeSMax; // the services refuse an exp further ahead

export const command: Command = {
  summary: "print a bearer token (JWT) for a user of the running stack",
  help: `usage: syncbench token --user U [--ttl-s S] [--json]

  --user    user id (1..256 characters); the services scope every query to it
  --ttl-s   lifetime in seconds, 1..${ttlSMax} (default 3600)

example: curl -H "Authorization: Bearer $(npx syncbench token --user alice)" http://127.0.0.1:8080/v1/...`,
  async run(args, ctx) {
    const { values } = parseFlags(args, { ...commonOptions, user: { type: "string" }, "ttl-s": { type: "string" } }, false);
    const user = values.user ?? "";
    if (user.length < 1 || user.length > 256) throw new UsageError(`--user must be 1..256 characters, got "${user}"`);
    const ttlS = values["ttl-s"] === undefined ? 3600 : Number(values["ttl-s"]);
    if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > ttlSMax) throw new UsageError(`--ttl-s must be an integer 1..${ttlSMax}, got "${values["ttl-s"]}"`);
    const expS = Math.floor(Date.now() / 1000) + ttlS;
    const token = signJwt({ sub: user, exp: expS }, stackSecrets(loadStackConfig(ctx.env).native).jwtSecret);
    ctx.out(values.json ? JSON.stringify({ user, token, expiresAt: new Date(expS * 1000).toISOString() }) : token);
    return exitCodes.ok;
  },
};
