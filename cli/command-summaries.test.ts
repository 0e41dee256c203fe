// The --help table of cli/command-summaries.ts says what each command module's summary says.
import { describe, expect, it } from "vitest";
import type { Command } from "./command.ts";
import { commandSummaries } from "./command-summaries.ts";
import { commandNames } from "./main.ts";

describe("command summaries", () => {
  it("match every command module's summary, and name no command that does not exist", async () => {
    const actual: Record<string, string> = {};
    for (const name of commandNames()) {
      const module = (await import(`./commands/${name}.ts`)) as { command: Command };
      actual[name] = module.command.summary;
    }
    expect(commandSummaries).toEqual(actual);
  });
});
