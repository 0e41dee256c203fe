// validateScenario: parses unknown input into a Scenario, or throws one SCENARIO_INVALID error
// that lists every problem at once, each with a stable sub-code, its path, the value seen and
// the limit (STYLE.md section 4). Cross-field rules run on the raw input beside zod so that a
// typo in one place never hides a problem in another.
import { z } from "zod";
import { SyncbenchError } from "../reference-impl/core/errors.ts";
import { didYouMean } from "./did-you-mean.ts";
import {
  scenarioInputCrossChecks,
  type ScenarioIssue,
  type ScenarioIssueCode,
} from "./scenario-rules.ts";
import { scenarioSchema, type Scenario } from "./scenario.ts";

export type { ScenarioIssue, ScenarioIssueCode };

export class ScenarioInvalidError extends SyncbenchError {
  readonly issues: readonly ScenarioIssue[];
  constructor(scenarioName: string, issues: readonly ScenarioIssue[]) {
    const list = issues.map((i) => `${i.message} [${i.code}]`).join("; ");
    super("SCENARIO_INVALID", `invalid scenario "${scenarioName}": ${list}`, {
      hint: "fix every listed field; `syncbench run --help` lists the scenario library",
    });
    this.issues = issues;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".");
}

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The keys a strict object schema accepts at `path`, following the input through unions. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let current: z.ZodType | undefined = schema;
  let value: unknown = input;
  for (let i = 0; i <= path.length && current; i++) {
    current = unwrap(current, value);
    if (i === path.length) break;
    const key = path[i]!;
    value =
      value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    current = childSchema(current, key);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodDiscriminatedUnion) {
      const options = current.options as z.ZodType[];
      const kind = (value as { kind?: unknown } | undefined)?.kind;
      const match = options.find(
        (o) =>
          o instanceof z.ZodObject &&
          (o.shape as Record<string, z.ZodType>).kind?.safeParse(kind).success,
      );
      if (!match) return current;
      current = match;
    } else return current;
  }
}

function childSchema(schema: z.ZodType, key: PropertyKey): z.ZodType | undefined {
  if (schema instanceof z.ZodObject) return (schema.shape as Record<PropertyKey, z.ZodType>)[key];
  if (schema instanceof z.ZodArray) return schema.element as z.ZodType;
  if (schema instanceof z.ZodRecord) return schema.valueType as z.ZodType;
  return undefined;
}

function limitText(issue: z.core.$ZodIssue): string {
  if (issue.code === "too_small") return `must be ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
  if (issue.code === "too_big") return `must be ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`;
  return issue.message;
}

function fromZodIssue(issue: z.core.$ZodIssue, input: unknown): ScenarioIssue[] {
  const path = formatPath(issue.path);
  const at = path === "" ? "scenario" : path;
  const got = `got ${shown(issue.input)}`;
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(scenarioSchema, issue.path, input);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        const suggestion = guess ? ` (did you mean "${guess}"?)` : ` (known: ${known.join(", ")})`;
        const where = path === "" ? "" : ` in ${path}`;
        return {
          code: "SCENARIO_UNKNOWN_KEY",
          path: path === "" ? key : `${path}.${key}`,
          message: `unknown key "${key}"${where}${suggestion}`,
        };
      });
    }
    case "too_small":
    case "too_big":
      return [
        { code: "SCENARIO_OUT_OF_RANGE", path, message: `${at} ${limitText(issue)}, ${got}` },
      ];
    case "invalid_type":
      if (issue.input === undefined) {
        return [
          { code: "SCENARIO_MISSING_KEY", path, message: `${at} is required (${issue.expected})` },
        ];
      }
      return [
        { code: "SCENARIO_WRONG_TYPE", path, message: `${at} must be ${issue.expected}, ${got}` },
      ];
    default:
      return [{ code: "SCENARIO_BAD_VALUE", path, message: `${at}: ${issue.message}, ${got}` }];
  }
}

/** Every problem with `input`, or none; never throws. */
export function scenarioIssues(input: unknown): { scenario?: Scenario; issues: ScenarioIssue[] } {
  const parsed = scenarioSchema.safeParse(input, { reportInput: true });
  const issues = parsed.success ? [] : parsed.error.issues.flatMap((i) => fromZodIssue(i, input));
  issues.push(...scenarioInputCrossChecks(input));
  if (issues.length > 0 || !parsed.success) return { issues };
  return { scenario: Object.freeze(parsed.data) as Scenario, issues };
}

/** The validated scenario with defaults filled, or a ScenarioInvalidError listing everything. */
export function validateScenario(input: unknown, sourceName?: string): Scenario {
  const { scenario, issues } = scenarioIssues(input);
  if (scenario) return scenario;
  const name = (input as { name?: unknown } | null)?.name;
  throw new ScenarioInvalidError(sourceName ?? (typeof name === "string" ? name : "?"), issues);
}

/** Parses JSON text first, so that a syntax error is reported with the same error class. */
export function validateScenarioJson(text: string, sourceName: string): Scenario {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScenarioInvalidError(sourceName, [
      { code: "SCENARIO_NOT_JSON", path: "", message: `not valid JSON: ${reason}` },
    ]);
  }
  return validateScenario(input, sourceName);
}
