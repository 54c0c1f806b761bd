/**
 * Checks of a webview page's security: its Content-Security-Policy and what the page references.
 * The unit tests read the facts from the HTML a provider serves; the e2e tests read them from the
 * document VS Code actually loaded.
 */

export interface PageFacts {
  /** The content of the CSP <meta>, or null when there is none. */
  csp: string | null;
  scripts: { id: string | null; nonce: string | null; src: string | null; inline: boolean }[];
  /** Every URL the page references (src/href attributes; in a browser also every loaded resource). */
  urls: string[];
  /** Inline event handler attributes (onclick=…), which a nonce cannot cover. */
  handlers: string[];
  /** Tags that come before the CSP <meta> (a meta CSP does not apply to them). */
  beforeCsp: string[];
}

/** What VS Code injects into every webview itself, before the page's own CSP. */
export const VSCODE_INJECTED_IDS = ['_vscodeApiScript', '_defaultStyles'];

export interface CspRules {
  /** The sources `webview.cspSource` stands for: the only ones besides keywords a directive may name. */
  cspSources: string[];
  /** URL prefixes of the webview's own resources (what asWebviewUri returns). */
  resourcePrefixes: string[];
}

/** Everything wrong with the page; empty when it is locked down. */
export function cspProblems(facts: PageFacts, rules: CspRules): string[] {
  const problems: string[] = [];
  if (!facts.csp) return ['no Content-Security-Policy <meta>'];
  const directives = new Map<string, string[]>();
  for (const part of facts.csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    if (directives.has(name)) problems.push(`${name} appears twice`);
    directives.set(name.toLowerCase(), sources);
  }
  if (directives.get('default-src')?.join(' ') !== "'none'") problems.push(`default-src is not 'none': ${directives.get('default-src')?.join(' ')}`);
  const script = directives.get('script-src');
  const nonces = (script ?? []).filter((s) => /^'nonce-[A-Za-z0-9+/=_-]+'$/.test(s)).map((s) => s.slice(7, -1));
  if (!script) problems.push('no script-src (scripts would fall back to default-src)');
  else if (nonces.length !== 1 || script.length !== 1) problems.push(`script-src is not exactly one nonce: ${script.join(' ')}`);
  const nonce = nonces[0];
  if (nonce !== undefined && Buffer.from(nonce, 'base64').length < 16) problems.push(`the nonce is short (${nonce})`);
  for (const [name, sources] of directives) {
    for (const s of sources) {
      const ok =
        s === "'none'" ||
        rules.cspSources.includes(s) ||
        (nonce !== undefined && s === `'nonce-${nonce}'`) ||
        (s === 'blob:' && name !== 'script-src') ||
        (s === 'data:' && (name === 'img-src' || name === 'font-src'));
      if (!ok) problems.push(`${name} allows ${s}`);
    }
  }
  for (const s of facts.scripts) {
    if (s.id && VSCODE_INJECTED_IDS.includes(s.id)) continue;
    if (nonce === undefined || s.nonce !== nonce) problems.push(`a script without the page's nonce: ${s.src ?? '(inline)'}`);
    if (s.inline) problems.push('an inline script');
  }
  for (const h of facts.handlers) problems.push(`an inline event handler: ${h}`);
  for (const tag of facts.beforeCsp) problems.push(`<${tag}> comes before the CSP <meta>`);
  for (const url of facts.urls) {
    if (/^(blob|data|about):/.test(url) || rules.resourcePrefixes.some((p) => url.startsWith(p))) continue;
    problems.push(`a reference outside the webview's resources: ${url.slice(0, 200)}`);
  }
  return problems;
}

const attributes = (tag: string): Map<string, string> =>
  new Map([...tag.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!.replace(/&amp;/g, '&')]));

/** The facts of an HTML string as a provider serves it (our pages: double-quoted attributes). */
export function pageFactsFromHtml(html: string): PageFacts {
  const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)\b([^>]*)>/g)].map((m) => ({ name: m[1]!.toLowerCase(), attrs: attributes(m[2]!), index: m.index }));
  const cspTag = tags.find((t) => t.name === 'meta' && t.attrs.get('http-equiv')?.toLowerCase() === 'content-security-policy');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => {
    const a = attributes(m[1]!);
    return { id: a.get('id') ?? null, nonce: a.get('nonce') ?? null, src: a.get('src') ?? null, inline: m[2]!.trim() !== '' };
  });
  return {
    csp: cspTag?.attrs.get('content') ?? null,
    scripts,
    urls: tags.flatMap((t) => ['src', 'href'].map((a) => t.attrs.get(a)).filter((u): u is string => u !== undefined)),
    handlers: tags.flatMap((t) => [...t.attrs.keys()].filter((k) => k.startsWith('on')).map((k) => `<${t.name} ${k}>`)),
    beforeCsp: tags.filter((t) => cspTag && t.index < cspTag.index && ['script', 'link', 'style', 'img', 'iframe', 'base'].includes(t.name)).map((t) => t.name),
  };
}
