// Everything `npm test` needs beyond `npm ci`, installed only when missing:
//   - Debian packages: chromium (drives the end-to-end tests), libkrb5-dev and ripgrep (needed to
//     install code-server offline), xz-utils (the reference xz), python3-numpy (checks that our
//     .npy/.npz files load in NumPy), python3-h5py (writes HDF5 variants and is the ground truth our
//     HDF5 reader is compared with; Debian's, so it runs under /usr/bin/python3), python3-msgpack and
//     python3-msgpack-numpy (the encoder the Python BodyCompress library uses: tests write odd but
//     valid files with it, under /usr/bin/python3); ffmpeg (tests make source videos and decode
//     exported ones); slurm-wlm and munge (the cluster recipe runs on a real single-node Slurm);
//   - code-server 4.100.3, the real VS Code for the end-to-end tests, cached in .cache/.
import { spawnSync } from 'node:child_process';
import { installCodeServer } from './codeServer.mjs';

export const SYSTEM_PACKAGES = [
  'chromium',
  'libkrb5-dev',
  'ripgrep',
  'xz-utils',
  'python3-numpy',
  'python3-h5py',
  'python3-msgpack',
  'python3-msgpack-numpy',
  'ffmpeg',
  'slurm-wlm',
  'munge',
];

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureSystemPackages() {
  if (spawnSync('sh', ['-c', 'command -v dpkg-query'], { stdio: 'ignore' }).status !== 0) {
    console.warn(`Not a Debian system: make sure these are installed: ${SYSTEM_PACKAGES.join(', ')}`);
    return;
  }
  const missing = SYSTEM_PACKAGES.filter((p) => !installed(p));
  if (missing.length === 0) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const sh = (args) => {
    const r = spawnSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed; install ${missing.join(' ')} by hand`);
  };
  sh(['apt-get', 'update', '-qq']);
  sh(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

try {
  ensureSystemPackages();
  await installCodeServer({ quiet: true });
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
