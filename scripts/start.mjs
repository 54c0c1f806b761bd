// `npm start`: the real VS Code (code-server) on 127.0.0.1 with this working tree's extension and
// the sample workspace test/fixtures. Run `npm run watch` alongside and reload the window
// (F1 > Developer: Reload Window) to pick up changes. Ctrl+C stops it.
import { join } from 'node:path';
import { ROOT, freePort, installCodeServer, prepareProfile, startCodeServer } from './codeServer.mjs';

const preferred = Number(process.env.PORT ?? 8080);
const port = (await isFree(preferred)) ? preferred : await freePort();
await installCodeServer({ quiet: true });
const profile = await prepareProfile(join(ROOT, '.cache', 'start-profile'), { extensionDir: ROOT });
const workspace = join(ROOT, 'test', 'fixtures');
const server = await startCodeServer({ profile, workspace, port });
console.log(
  `\nBody Capture Viewer is running in VS Code at:\n\n  ${server.url}\n\nOpen it in a browser (on a remote machine, forward port ${port} first). Ctrl+C stops it.`,
);

const stop = () => {
  server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.once('exit', (code) => {
  console.error(`code-server exited (${code})`);
  process.exit(1);
});

async function isFree(p) {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(p, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
