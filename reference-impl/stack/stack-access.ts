// What the CLI and the harness read of a stack through any provider: a bearer token for its
// services, the last lines of a server's log, and the status when a stack is up.
import { SyncbenchError } from "../core/errors.ts";
import { signJwt } from "../runtime/jwt.ts";
import { tailLines } from "./native/process-control.ts";
import type { ProcessName, StackProvider, StackStatus } from "./provider.ts";

export interface StackToken {
  readonly user: string;
  readonly token: string;
  /** ISO 8601 */
  readonly expiresAt: string;
}

/** An HS256 bearer token for `user`, signed with the stack's secret, valid for ttlS seconds. */
export function stackToken(
  provider: StackProvider,
  request: { user: string; ttlS: number; nowMs: number },
): StackToken {
  const secrets = provider.secrets();
  if (secrets === undefined) {
    throw new SyncbenchError(
      "ENV_TOKEN_UNAVAILABLE",
      `the ${provider.name} stack starts no ChunkService, so no ` +
        "service would check a token; none was issued",
      { hint: "npx syncbench up --provider native" },
    );
  }
  const expS = Math.floor(request.nowMs / 1000) + request.ttlS;
  const token = signJwt({ sub: request.user, exp: expS }, secrets.jwtSecret);
  return { user: request.user, token, expiresAt: new Date(expS * 1000).toISOString() };
}

/** The last `lineCount` lines of a server's log; undefined when the provider keeps no log file. */
export function logTail(
  provider: StackProvider,
  service: ProcessName,
  lineCount: number,
): { file: string; lines: string[] } | undefined {
  const file = provider.logFile(service);
  return file === undefined ? undefined : { file, lines: tailLines(file, lineCount) };
}

/**
 * The stack's status, or undefined when the provider has no stack recorded as started (the
 * testcontainers provider says so with STACK_UNHEALTHY; the native one reports its servers down).
 */
export async function statusIfUp(provider: StackProvider): Promise<StackStatus | undefined> {
  try {
    return await provider.status();
  } catch (error) {
    if (error instanceof SyncbenchError && error.code === "STACK_UNHEALTHY") return undefined;
    throw error;
  }
}
