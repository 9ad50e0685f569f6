// Checks docs/debugging-guide.md against the panel: every `> ` quote in a section must appear in
// the text the panel showed when that section's screenshot was taken (target/e2e/<name>.txt,
// written by shot()), and the guide's images and docs/screenshots/guide/ must match one to one.
// Numbers are compared as "some number" (ports, times and ages change between runs); `…` in a
// quote marks an elision. In-page links must name a heading. Run by scripts/docs.sh after the real-apps tests.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, ARTIFACTS, GUIDE_SHOTS } from '../e2e/lib/browser.mjs';

const GUIDE = path.join(ROOT, 'docs/debugging-guide.md');
const normalize = (s) => s.replace(/\s+/g, ' ').replace(/\d+/g, '0').trim();

/** The guide split at headings: [{title, images: [name], quotes: [text]}]. */
export function sections(markdown) {
  const out = [];
  let cur = { title: '(top)', images: [], quotes: [] };
  for (const line of markdown.split('\n')) {
    if (/^#{1,6} /.test(line)) {
      out.push(cur);
      cur = { title: line.replace(/^#+ /, ''), images: [], quotes: [] };
      continue;
    }
    for (const m of line.matchAll(/screenshots\/guide\/([\w-]+)\.png/g)) cur.images.push(m[1]);
    if (line.startsWith('> ')) cur.quotes.push(line.slice(2));
  }
  out.push(cur);
  return out;
}

/** Problems with `quote` against `text`: each piece between `…` must occur, in order. */
export function quoteProblem(quote, text) {
  const hay = normalize(text);
  let from = 0;
  for (const piece of quote.split('…').map(normalize).filter(Boolean)) {
    const at = hay.indexOf(piece, from);
    if (at < 0) return `not in the panel text: "${piece.slice(0, 120)}"`;
    from = at + piece.length;
  }
  return null;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
export const slug = (title) => title.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

function main() {
  const problems = [];
  const referenced = new Set();
  const markdown = readFileSync(GUIDE, 'utf8');
  const anchors = new Set(sections(markdown).map((s) => slug(s.title)));
  for (const [, a] of markdown.matchAll(/\]\(#([^)]+)\)/g)) if (!anchors.has(a)) problems.push(`link #${a} has no heading`);
  for (const s of sections(markdown)) {
    s.images.forEach((i) => referenced.add(i));
    if (s.quotes.length && !s.images.length) problems.push(`${s.title}: quotes but no screenshot to check them against`);
    if (!s.quotes.length) continue;
    const texts = s.images.map((i) => path.join(ARTIFACTS, `${i}.txt`));
    const missing = texts.filter((t) => !existsSync(t));
    if (missing.length) {
      problems.push(`${s.title}: no panel text ${missing.map((m) => path.relative(ROOT, m)).join(', ')} (run the real-apps tests first)`);
      continue;
    }
    const text = texts.map((t) => readFileSync(t, 'utf8')).join('\n');
    for (const q of s.quotes) {
      const p = quoteProblem(q, text);
      if (p) problems.push(`${s.title}: ${p}`);
    }
  }
  const files = existsSync(GUIDE_SHOTS) ? readdirSync(GUIDE_SHOTS).filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -4)) : [];
  for (const i of referenced) if (!files.includes(i)) problems.push(`image docs/screenshots/guide/${i}.png is referenced but missing`);
  for (const f of files) if (!referenced.has(f)) problems.push(`docs/screenshots/guide/${f}.png is not used by the guide`);
  if (problems.length) {
    console.error(`docs/debugging-guide.md disagrees with the panel (${problems.length}):\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log(`docs/debugging-guide.md: ${referenced.size} screenshots, every quote matches the panel`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
