import type { ChildProcess } from 'node:child_process';

export const ROOT: string;
export const CODE_SERVER_VERSION: string;
export interface Profile {
  dir: string;
  userData: string;
  extensions: string;
  xdg: string;
}
export function installCodeServer(options?: { quiet?: boolean }): Promise<void>;
export function freePort(): Promise<number>;
export function prepareProfile(
  dir: string,
  extension: { vsix: string; extensionDir?: undefined } | { extensionDir: string; vsix?: undefined },
  settings?: Record<string, unknown>,
): Promise<Profile>;
export function startCodeServer(options: {
  profile: Profile;
  workspace: string;
  port: number;
  log?: (text: string) => void;
  workspaceTrust?: boolean;
}): Promise<{ url: string; child: ChildProcess; stop: () => void }>;
