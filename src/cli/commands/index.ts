import type { Command } from '../command';
import { compressCommand } from './compress';
import { convertCommand } from './convert';
import { exportCommand } from './export';
import { extractCommand } from './extract';
import { infoCommand } from './info';

/** Every `bodycap` sub-command, in the order `--help` lists them. */
export const commands: Command[] = [infoCommand, exportCommand, compressCommand, convertCommand, extractCommand];
