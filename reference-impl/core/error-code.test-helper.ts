// Test helper shared by the core's tests: the error code a call throws, or "no error".
import { isSyncbenchError } from "./errors.ts";

export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isSyncbenchError(error)) return error.code;
    throw error;
  }
  return "no error";
}
