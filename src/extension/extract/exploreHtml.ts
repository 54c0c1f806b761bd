import { relative } from 'node:path';
import { formatBytes } from '../../core/formatBytes';
import type { PerformanceStatus } from '../../core/smc/performanceStatus';
import { unpairedReason } from '../../core/smc/performanceStatus';
import type { SmcFolderIndex, SmcPerformanceRow } from '../../core/smc/smcFolder';
import { folderTotals, performanceBytes, performanceHeader } from '../../core/smc/smcSummary';
import { escapeHtml } from '../kit/webviewHtml';

/*
 * The Explore SMC Folder page: static HTML (no script; warnings expand with <details>), styled by
 * media/explore.css with the theme's colours. The performance table wraps its cells to fit the pane
 * and scrolls inside its own box when the pane is narrower still.
 */

const h = escapeHtml;
const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** Folder-index problems the status does not already say (its reasons and the editor's warnings do the rest). */
function indexOnlyProblems(p: SmcPerformanceRow): string[] {
  return p.problems.filter((x) => x.startsWith('duplicate ') || / says .* inside$/.test(x));
}

function problemsCell(p: SmcPerformanceRow, s: PerformanceStatus): string {
  const reasons = [...s.reasons, ...indexOnlyProblems(p)];
  const parts: string[] = [];
  if (!s.usable) parts.push(`<span class="explore-unusable">Not usable: ${h(reasons.join('; '))}</span>`);
  else if (reasons.length) parts.push(`<span class="explore-reason">${h(reasons.join('; '))}</span>`);
  const warnings = s.warnings ?? [];
  if (warnings.length) {
    parts.push(
      `<details class="explore-warnings"><summary>${plural(warnings.length, 'warning')}</summary><ul>${warnings
        .map((w) => `<li class="${w.severity === 'info' ? 'info' : 'warning'}">${h(w.message)}</li>`)
        .join('')}</ul></details>`,
    );
  }
  return parts.join('') || '<span class="explore-none">none</span>';
}

function filesCell(root: string, p: SmcPerformanceRow): string {
  const file = (kind: 'anno' | 'raw') => {
    const f = p[kind];
    if (!f) return `<span class="explore-missing">no ${kind}</span>`;
    return `<span class="${f.error ? 'explore-unusable' : ''}" title="${h(relative(root, f.path))}">${kind}</span>`;
  };
  return `${file('anno')} + ${file('raw')}`;
}

function camerasCell(s: PerformanceStatus): string {
  const { anno, raw } = s.cameras;
  if (anno === null && raw === null) return '—';
  return `${anno ?? '—'} / ${raw ?? '—'}`;
}

/** The whole page's <body> content. */
export function exploreBody(index: SmcFolderIndex, statuses: readonly PerformanceStatus[]): string {
  const total = folderTotals(index);
  const usable = statuses.filter((s) => s.usable).length;
  const rows = index.performances.map((p, i) => {
    const s = statuses[i]!;
    const hd = performanceHeader(p);
    const res = hd ? `${hd.cameraInfo.resolution[1]} × ${hd.cameraInfo.resolution[0]}` : '—';
    return `<tr class="${s.usable ? '' : 'unusable'}"><td class="name">${h(`${p.actorId}_${p.part}`)}</td><td>${h(p.performanceKind)}</td><td class="files">${filesCell(index.root, p)}</td><td class="num">${hd?.cameraInfo.numFrame ?? '—'}</td><td class="num">${camerasCell(s)}</td><td class="num">${res}</td><td class="num">${formatBytes(performanceBytes(p))}</td><td class="problems">${problemsCell(p, s)}</td></tr>`;
  });
  const out = [
    `<h1>SMC performances in <code>${h(index.root)}</code></h1>`,
    `<p>${plural(index.performances.length, 'performance')} of ${plural(index.subjects.length, 'subject')} (${usable.toLocaleString('en-US')} usable), ${plural(total.files, 'file')}, ${formatBytes(total.bytes)}. Nothing is written; use <strong>Extract Subject Folder…</strong> to extract.</p>`,
    '<div class="explore-scroll"><table class="explore-table" id="performances">',
    '<thead><tr><th>Performance</th><th>Kind</th><th>Files</th><th class="num">Frames</th><th class="num" title="Camera groups with images or masks (audio-only groups not counted)">Cameras (anno / raw)</th><th class="num">Resolution</th><th class="num">Size</th><th>Problems (warnings as in the SMC editor)</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table></div>`,
  ];
  if (index.subjects.length) {
    out.push(
      '<h2>Subjects</h2>',
      '<div class="explore-scroll"><table class="explore-table" id="subjects"><thead><tr><th>Subject</th><th>Parts present</th><th>Standard parts missing</th></tr></thead><tbody>',
      ...index.subjects.map(
        (s) => `<tr><td class="name">${h(s.actorId)}</td><td>${h(s.parts.join(', '))}</td><td>${h(s.missingParts.join(', ')) || '—'}</td></tr>`,
      ),
      '</tbody></table></div>',
    );
  }
  if (index.unrecognizedRows.length) {
    out.push(
      '<h2>Other .smc files</h2>',
      '<ul id="other-files">',
      ...index.unrecognizedRows.map(
        (r) => `<li><code>${h(relative(index.root, r.path))}</code>: <span class="${r.error ? 'explore-unusable' : ''}">${h(unpairedReason(r))}</span></li>`,
      ),
      '</ul>',
    );
  }
  if (index.errors.length)
    out.push('<h2>Folders that could not be read</h2><ul>', ...index.errors.map((e) => `<li><code>${h(e.path)}</code>: ${h(e.message)}</li>`), '</ul>');
  return out.join('\n');
}

/** The page: a CSP that allows our stylesheet and nothing else (no script runs). */
export function exploreHtml(cspSource: string, stylesheet: string, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource}; script-src 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<link rel="stylesheet" href="${h(stylesheet)}">
</head>
<body class="explore">
${body}
</body>
</html>`;
}
