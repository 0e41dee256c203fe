// How integration tests reach the stack: the global setup (stack.global-setup.ts) brings it up once
// per run and provides its endpoints; a test file calls stackEndpoints() at module level.
import { inject } from "vitest";
import type { Endpoints } from "./endpoints.ts";

declare module "vitest" {
  export interface ProvidedContext {
    stackEndpoints: Endpoints;
    /** Set by the native provider, whose ChunkService processes run behind the gateway. */
    stackJwtSecret: string | undefined;
    /** Which server runs each service, e.g. { s3: "versitygw" }: some behaviours differ. */
    stackImplementations: Record<string, string>;
  }
}

export function stackImplementation(service: string): string {
  return inject("stackImplementations")[service] ?? "unknown";
}

export function stackJwtSecret(): string | undefined {
  return inject("stackJwtSecret");
}

export function stackEndpoints(): Endpoints {
  const endpoints = inject("stackEndpoints");
  if (!endpoints)
    throw new Error(
      "stackEndpoints not provided: run integration tests through `vitest --project int`",
    );
  return endpoints;
}
