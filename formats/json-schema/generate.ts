// Writes formats/json-schema/*.json from the zod schemas (formats/json-schema.ts):
// `npm run formats:json-schema`. A tool, so it may write files; formats/ proper does no I/O.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsonSchemaText, schemaFiles } from "../json-schema.ts";

for (const entry of schemaFiles) {
  const path = fileURLToPath(new URL(`./${entry.file}`, import.meta.url));
  writeFileSync(path, jsonSchemaText(entry));
  process.stdout.write(`wrote ${path}\n`);
}
