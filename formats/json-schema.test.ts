// The checked-in JSON Schemas (formats/json-schema/*.json) are what the zod schemas generate
// today: a schema changed without `npm run formats:json-schema` fails here, and so does a
// JSON Schema file left behind by a format that no longer exists.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jsonSchemaText, schemaFiles } from "./json-schema.ts";

const dir = new URL("./json-schema/", import.meta.url);

describe("JSON Schema files", () => {
  for (const entry of schemaFiles) {
    it(`${entry.file} is current (npm run formats:json-schema)`, () => {
      expect(readFileSync(new URL(entry.file, dir), "utf8")).toBe(jsonSchemaText(entry));
    });
  }

  it("every checked-in JSON Schema file belongs to a format", () => {
    const checkedIn = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort();
    expect(checkedIn).toEqual(schemaFiles.map((e) => e.file).sort());
  });
});
