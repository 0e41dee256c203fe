// Assertions for programmer errors: they crash with the invariant in the message.
// Operating errors (timeouts, refused connections) are SyncbenchErrors, handled and surfaced.

export function assert(condition: unknown, invariant: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${invariant}`);
}
