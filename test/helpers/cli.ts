import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/command';

/** Runs `bodycap <argv>` in-process and captures its exit code, stdout and stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false };
  const code = await runCli(argv, io);
  return { code, out, err };
}
