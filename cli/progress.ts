// Progress of a long command (run, simulate, report) on stderr, never on stdout, so --json stays
// one document: on a terminal one live line rewritten in place; otherwise (CI logs, pipes) a
// plain line every `plainEvery`-th update plus the last, so a long run does not flood the log.
import type { CliContext } from "./context.ts";

export interface Progress {
  /** A new state; `final` marks the last one (always printed). */
  update(text: string, final?: boolean): void;
  /** Ends a live line (a newline), so what follows starts on its own line. */
  end(): void;
}

export interface ProgressOptions {
  readonly isTty: boolean;
  /** Without a terminal: print every n-th update (1 = each). */
  readonly plainEvery: number;
  /** The terminal's writer; process.stderr unless a test passes its own. */
  readonly write?: (chunk: string) => void;
}

export function progress(ctx: CliContext, o: ProgressOptions): Progress {
  if (!o.isTty) {
    let n = 0;
    return {
      update(text, final = false) {
        n++;
        if (final || n % o.plainEvery === 0 || n === 1) ctx.err(text);
      },
      end() {},
    };
  }
  const write = o.write ?? ((chunk: string) => process.stderr.write(chunk));
  let live = false;
  return {
    update(text, final = false) {
      write(`\r\u001b[2K${text}`);
      live = true;
      if (final) this.end();
    },
    end() {
      if (live) write("\n");
      live = false;
    },
  };
}

/** stderr is a terminal: progress is one live line. */
export function stderrIsTty(): boolean {
  return process.stderr.isTTY === true;
}
