// The project's one error class, passed through for reports/, which may import formats/ and
// nothing else of the project (.dependency-cruiser.cjs, reports-read-formats-only).
export { SyncbenchError } from "../reference-impl/core/errors.ts";
