// The real VS Code used by the end-to-end tests and `npm start`: code-server 4.100.3 (VS Code
// 1.100, the newest that runs on Node 20), installed offline into .cache/code-server.
//
//   node scripts/codeServer.mjs install   install (or verify) code-server; fast when cached
//
// The install needs four things on this kind of machine (see the README): running as root needs
// unsafe-perm; node-pty's postinstall calls `npx node-gyp` (npm_config_yes); the kerberos module
// builds against Debian's libkrb5-dev; and @vscode/ripgrep downloads `rg` from GitHub, so its
// download cache is seeded with Debian's ripgrep binary.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.100.3';
const RECIPE = join(ROOT, 'scripts', 'code-server');
const CACHE = join(ROOT, '.cache', 'code-server');
const BIN = join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

async function recipeHash() {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) h.update(await readFile(join(RECIPE, f)));
  return h.digest('hex');
}

/** Installs code-server into .cache/code-server unless the same pinned install is already there. */
export async function installCodeServer({ quiet = false } = {}) {
  const marker = join(CACHE, '.installed');
  const want = await recipeHash();
  if (existsSync(BIN) && existsSync(marker) && (await readFile(marker, 'utf8')) === want) {
    if (!quiet) console.log(`code-server ${CODE_SERVER_VERSION} already installed in ${CACHE}`);
    return;
  }
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep is missing: install Debian\'s "ripgrep" package (apt-get install ripgrep)');
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h')) {
    throw new Error('Kerberos headers are missing: install Debian\'s "libkrb5-dev" package');
  }
  console.log(`Installing code-server ${CODE_SERVER_VERSION} into ${CACHE} (about a minute)…`);
  await rm(CACHE, { recursive: true, force: true });
  await mkdir(CACHE, { recursive: true });
  await cp(join(RECIPE, 'package.json'), join(CACHE, 'package.json'));
  await cp(join(RECIPE, 'package-lock.json'), join(CACHE, 'package-lock.json'));

  // Seed @vscode/ripgrep's download cache with the system rg so its postinstall stays offline.
  const tmp = await mkdtemp(join(tmpdir(), 'bcv-cs-install-'));
  const stage = join(tmp, 'stage');
  await mkdir(join(tmp, RIPGREP_CACHE), { recursive: true });
  await mkdir(stage);
  await cp(rg, join(stage, 'rg'));
  run('tar', ['-C', stage, '-czf', join(tmp, RIPGREP_CACHE, RIPGREP_ASSET), 'rg']);

  try {
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: CACHE,
      env: { ...process.env, TMPDIR: tmp, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  if (!existsSync(BIN)) throw new Error(`code-server installed but ${BIN} is missing`);
  await writeFile(marker, want);
  console.log('code-server installed.');
}

export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'chat.disableAIFeatures': true,
};

/**
 * A private code-server profile (user data, extensions, XDG dirs) in `dir` with our extension:
 * `vsix` installs the packaged extension (what users get; the e2e tests use it), `extensionDir`
 * links the working tree instead (for `npm start` with `npm run watch`: reload the window to pick
 * up a rebuild).
 */
export async function prepareProfile(dir, { vsix, extensionDir }, settings = {}) {
  const profile = {
    dir,
    userData: join(dir, 'user-data'),
    extensions: join(dir, 'extensions'),
    xdg: join(dir, 'xdg'),
  };
  await mkdir(join(profile.userData, 'User'), { recursive: true });
  await mkdir(profile.extensions, { recursive: true });
  await mkdir(profile.xdg, { recursive: true });
  await writeFile(join(profile.userData, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...settings }, null, 2));
  if (vsix) {
    run(process.execPath, [BIN, '--extensions-dir', profile.extensions, '--user-data-dir', profile.userData, '--install-extension', vsix, '--force'], {
      env: profileEnv(profile),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } else {
    const manifest = JSON.parse(await readFile(join(extensionDir, 'package.json'), 'utf8'));
    const link = join(profile.extensions, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
    await rm(link, { recursive: true, force: true });
    await symlink(extensionDir, link, 'dir');
    // code-server keeps a registry of installed extensions; a stale one would hide the link.
    await rm(join(profile.extensions, 'extensions.json'), { force: true });
  }
  return profile;
}

function profileEnv(profile) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(profile.xdg, 'config'),
    XDG_DATA_HOME: join(profile.xdg, 'data'),
    XDG_CACHE_HOME: join(profile.xdg, 'cache'),
  };
}

/**
 * Starts code-server on 127.0.0.1:`port` for `workspace`; resolves once it listens. The process
 * runs in its own process group so `stop()` ends it and everything it spawned. Workspace trust is
 * off unless `workspaceTrust` (then the profile's settings decide, see prepareProfile).
 */
export async function startCodeServer({ profile, workspace, port, log = () => {}, workspaceTrust = false }) {
  const config = join(profile.dir, 'config.yaml');
  await writeFile(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    BIN,
    '--config',
    config,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--extensions-dir',
    profile.extensions,
    '--user-data-dir',
    profile.userData,
    '--ignore-last-opened',
    workspace,
  ];
  const child = spawn(process.execPath, args, { env: profileEnv(profile), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (d) => {
      const text = d.toString();
      output += text;
      log(text);
      if (output.includes('HTTP server listening')) {
        clearTimeout(timer);
        resolveStart();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
    child,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2];
  if (cmd === 'install') {
    installCodeServer().catch((err) => {
      console.error(err.message);
      process.exit(1);
    });
  } else {
    console.error('usage: node scripts/codeServer.mjs install');
    process.exit(2);
  }
}
