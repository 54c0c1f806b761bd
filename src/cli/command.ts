/** A `bodycap` sub-command. Each lives in its own module under `commands/`. */
export interface Command {
  name: string;
  /** One line for `bodycap --help`. */
  summary: string;
  /** Full usage text for `bodycap <name> --help`. */
  usage: string;
  /** Returns the process exit code: 0 ok, 1 failure, 2 bad input or usage. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (progress bars, colours). */
  isTty: boolean;
}

/** Usage errors (bad flags); reported with the command's usage and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
