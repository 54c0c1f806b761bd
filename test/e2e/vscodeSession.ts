import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ROOT, freePort, installCodeServer, prepareProfile, startCodeServer } from '../../scripts/codeServer.mjs';

export const RESULTS_DIR = join(ROOT, 'test-results');
const VSIX = join(ROOT, 'body-capture-viewer.vsix');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A real VS Code (code-server) with the packaged extension installed, a workspace holding a copy of
 * test/fixtures, and headless Chromium (Debian's) driving it through Playwright.
 */
export class VsCodeSession {
  /** Browser console errors, e.g. Content-Security-Policy violations inside our webviews. */
  readonly consoleErrors: string[] = [];

  private constructor(
    readonly page: Page,
    readonly workspace: string,
    private readonly browser: Browser,
    private readonly stopServer: () => void,
    private readonly tmp: string,
    /** code-server's process; the extension host is one of its descendants. */
    private readonly serverPid: number,
  ) {}

  /**
   * `links` adds files to the workspace as symbolic links (name → absolute path), e.g. multi-GB
   * benchmark files that should not be copied. `browserArgs` adds Chromium flags (e.g.
   * `--disable-webgl` to see a page without WebGL).
   */
  static async start(
    options: {
      links?: Record<string, string>;
      browserArgs?: string[];
      /** Restricted Mode: workspace trust on, and this workspace not trusted. */
      untrusted?: boolean;
      /** User keybindings (keybindings.json entries). */
      keybindings?: { key: string; command: string; args?: unknown }[];
      /** Unpacked extension folders installed next to ours (test-only extensions, e.g. the benchmarks' floor editor). */
      extensionDirs?: string[];
    } = {},
  ): Promise<VsCodeSession> {
    if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run "npm run package" first (npm run test:e2e does)`);
    await installCodeServer({ quiet: true });
    const tmp = await mkdtemp(join(tmpdir(), 'bcv-e2e-'));
    const workspace = join(tmp, 'workspace');
    await cp(join(ROOT, 'test', 'fixtures'), workspace, { recursive: true });
    for (const [name, target] of Object.entries(options.links ?? {})) await symlink(target, join(workspace, name));
    const trust = options.untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
    const profile = await prepareProfile(join(tmp, 'profile'), { vsix: VSIX }, trust);
    for (const dir of options.extensionDirs ?? []) await symlink(dir, join(profile.extensions, basename(dir)), 'dir');
    // Without its registry of installed extensions, code-server scans the folder and finds the links too.
    if (options.extensionDirs?.length) await rm(join(profile.extensions, 'extensions.json'), { force: true });
    if (options.keybindings) await writeFile(join(profile.userData, 'User', 'keybindings.json'), JSON.stringify(options.keybindings));
    const server = await startCodeServer({ profile, workspace, port: await freePort(), workspaceTrust: options.untrusted });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--enable-unsafe-swiftshader',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
          ...(options.browserArgs ?? []),
        ],
      });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const session = new VsCodeSession(page, workspace, browser, server.stop, tmp, server.child.pid!);
      page.on('console', (m) => {
        if (m.type() === 'error') session.consoleErrors.push(m.text());
      });
      await page.goto(server.url);
      // The workbench is ready once the Explorer lists the workspace's files.
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      return session;
    } catch (err) {
      await browser?.close();
      server.stop();
      throw err;
    }
  }

  /**
   * Opens a workspace file through Quick Open (Ctrl+P), as a user would. Right after a picker
   * closed over a webview, VS Code sometimes hands the focus back to the webview as Quick Open
   * appears, which closes it again: then it tries once more, as a user would.
   */
  async openFile(name: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    // Quick Open closes when something else takes focus (a webview that was just revealed, a picker
    // closing): then it is opened again, up to three times.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.page.keyboard.press('Control+P');
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        await input.fill(name, { timeout: 5_000 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        await this.page.keyboard.press('Escape');
        await this.page.waitForTimeout(500);
      }
    }
    // The focused row: Enter opens it (the list filters as it goes; a recent file may still be first).
    const row = this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first();
    await row.waitFor({ timeout: 20_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab', { hasText: name }).first().waitFor();
  }

  /** Runs a command from the palette (F1) by its title. */
  async runCommand(title: string): Promise<void> {
    // Right after start-up the palette can open before the extension's contributed commands are
    // registered and then does not refresh its list: close it and ask again.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      const input = this.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      try {
        await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        await this.page.keyboard.press('Escape');
      }
    }
    await this.page.keyboard.press('Enter');
  }

  /**
   * Answers the quick pick whose placeholder contains `question`: types `text` (to filter) unless
   * null, checks that the focused row shows `row`, and presses Enter (after a screenshot, if named).
   */
  async answerQuickPick(question: string, text: string | null, row = text ?? '', screenshot?: string): Promise<void> {
    await this.page.waitForFunction((q) => {
      const el = document.querySelector('.quick-input-widget input');
      return !!el && (el.getAttribute('placeholder') ?? '').includes(q) && (el as HTMLElement).offsetParent !== null;
    }, question);
    if (text !== null) await this.page.locator('.quick-input-widget input').fill(text);
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: row }).first().waitFor();
    if (screenshot) await this.screenshot(screenshot);
    await this.page.keyboard.press('Enter');
  }

  /**
   * The frame of the visible webview that contains `selector` (optionally with `text` in it).
   * Webviews sit two iframes deep; we poll every frame rather than depend on VS Code's internal
   * iframe structure. Hidden editors' webviews are skipped.
   */
  async webviewFrame(selector: string, { text, timeoutMs = 30_000 }: { text?: string; timeoutMs?: number } = {}): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        try {
          const handle = await frame.$(selector);
          if (!handle || !(await handle.isVisible())) continue;
          if (text === undefined || ((await handle.textContent()) ?? '').includes(text)) return frame;
        } catch {
          // The frame navigated or went away while we looked; try again.
        }
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`No webview showed ${selector}${text ? ` containing "${text}"` : ''} within ${timeoutMs} ms`);
  }

  /**
   * Picks a colour theme by its label ("Dark High Contrast") with Ctrl+K Ctrl+T. Call it while a
   * text editor has the focus: a picker opened over a webview closes when the webview takes focus.
   */
  async selectColorTheme(label: string): Promise<void> {
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+T');
    const input = this.page.locator('.quick-input-widget input[placeholder*="Theme"]');
    await input.waitFor();
    await input.fill(label);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** Brings an open editor to the front by clicking its tab. */
  async switchToTab(name: string): Promise<void> {
    await this.page.locator('.tabs-container .tab', { hasText: name }).first().click();
  }

  /** Saves a screenshot of the whole VS Code window to test-results/<name>.png. */
  async screenshot(name: string): Promise<string> {
    await mkdir(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /**
   * Pixel statistics of an element as it appears on screen (a canvas, an image): the screenshot is
   * decoded by the browser itself, so WebGL canvases are measured exactly as the user sees them.
   * A blank element has 1 distinct colour; `dominant` is the most frequent colour as #rrggbb.
   */
  async pixelStats(
    frame: Frame,
    selector: string,
  ): Promise<{ width: number; height: number; distinctColors: number; nonDominantFraction: number; dominant: string }> {
    const png = await frame.locator(selector).first().screenshot();
    return this.page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const counts = new Map<number, number>();
      for (let i = 0; i < data.length; i += 4) {
        const key = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const total = data.length / 4;
      let dominant = 0;
      let dominantCount = 0;
      for (const [colour, n] of counts) {
        if (n > dominantCount) [dominant, dominantCount] = [colour, n];
      }
      return {
        width: bitmap.width,
        height: bitmap.height,
        distinctColors: counts.size,
        nonDominantFraction: (total - dominantCount) / total,
        dominant: `#${dominant.toString(16).padStart(6, '0')}`,
      };
    }, png.toString('base64'));
  }

  /**
   * Runs `action` with clipboard access granted (vscode.env.clipboard goes through the browser's
   * clipboard in code-server) and returns what is on the clipboard afterwards. The permission is
   * withdrawn again: while granted, VS Code's Quick Open stops opening after an editor picker.
   */
  async clipboardAfter(action: () => Promise<void>): Promise<string> {
    const context = this.page.context();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(this.page.url()).origin });
    try {
      await action();
      return await this.page.evaluate(() => navigator.clipboard.readText());
    } finally {
      await context.clearPermissions();
    }
  }

  /** CSP violations reported by the browser since the session started. */
  cspViolations(): string[] {
    return this.consoleErrors.filter((m) => /Content Security Policy/i.test(m));
  }

  /** The extension host's process id: the descendant of code-server started as `--type=extensionHost` (waits for it). */
  async extensionHostPid(): Promise<number> {
    for (let tries = 0; ; tries++) {
      const hosts = await this.extensionHosts();
      if (hosts.length === 1) return hosts[0]!;
      if (tries === 150 || hosts.length > 1) throw new Error(`expected one extension host under code-server (pid ${this.serverPid}), found ${hosts.length}`);
      await this.page.waitForTimeout(200);
    }
  }

  private async extensionHosts(): Promise<number[]> {
    const children = new Map<number, number[]>();
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    }
    const hosts: number[] = [];
    for (let queue = [this.serverPid]; queue.length;) {
      const pid = queue.shift()!;
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes('--type=extensionHost')) hosts.push(pid);
      queue.push(...(children.get(pid) ?? []));
    }
    return hosts;
  }

  /** What the extension wrote to its "Body Capture Viewer" output channel ('' before its first line). */
  async outputLog(): Promise<string> {
    const logs = join(this.tmp, 'profile', 'user-data', 'logs');
    const files = (await readdir(logs, { recursive: true }).catch(() => [] as string[])).filter((f) => f.endsWith('Body Capture Viewer.log'));
    return (await Promise.all(files.map((f) => readFile(join(logs, f), 'utf8')))).join('');
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    this.stopServer();
    await rm(this.tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}
