// What every command receives: its arguments, the environment (passed in, never read globally),
// writers for stdout/stderr, and colour helpers that honour NO_COLOR (https://no-color.org).

export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  out(line: string): void;
  err(line: string): void;
  readonly color: Colors;
}

export interface Colors {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

function wrap(open: number, close: number, enabled: boolean): (text: string) => string {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

export function makeColors(env: CliContext["env"], isTty: boolean): Colors {
  const enabled =
    isTty && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb";
  return {
    green: wrap(32, 39, enabled),
    red: wrap(31, 39, enabled),
    yellow: wrap(33, 39, enabled),
    dim: wrap(2, 22, enabled),
    bold: wrap(1, 22, enabled),
  };
}

export function makeContext(env: CliContext["env"]): CliContext {
  return {
    env,
    cwd: process.cwd(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    color: makeColors(env, process.stdout.isTTY === true),
  };
}
