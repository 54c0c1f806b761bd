import type { Command } from '../command';
import { infoCommand } from './info';

/** Every `bodycap` sub-command, in the order `--help` lists them. */
export const commands: Command[] = [infoCommand];
