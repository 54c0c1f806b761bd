import { errorDetail } from '../core/errors';
import { commands } from './commands/index';
import { UsageError, type CliIo } from './command';
import { reportError } from './output';
import pkg from '../../package.json';

/** `bodycap`: the command-line tool, built from the same core as the extension. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`${pkg.version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`bodycap: unknown command '${name}'\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      io.err(`bodycap ${name}: ${(err as Error).message}\nusage: ${command.usage}\n`);
      return 2;
    }
    return reportError(io, err, rest.includes('--json'));
  }
}

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `bodycap ${pkg.version}: inspect and convert RenderMe360 .smc and BodyCompress .xz files`,
    '',
    'usage: bodycap <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'bodycap <command> --help' for a command's options.",
    '',
  ].join('\n');
}

const isEntry = typeof require !== 'undefined' && require.main === module;
if (isEntry) {
  const io: CliIo = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    // Undefined, whatever the type says, when stdout is not a terminal.
    isTty: (process.stdout as { isTTY?: boolean }).isTTY === true,
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`bodycap: internal error: ${errorDetail(err)}\n`);
      process.exitCode = 1;
    },
  );
}
