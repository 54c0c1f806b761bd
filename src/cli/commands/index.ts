import type { Command } from '../command';
import { compressCommand } from './compress';
import { exportCommand } from './export';
import { infoCommand } from './info';

/** Every `bodycap` sub-command, in the order `--help` lists them. */
export const commands: Command[] = [infoCommand, exportCommand, compressCommand];
