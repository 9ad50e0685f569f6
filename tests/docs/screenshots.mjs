// Refreshes the screenshots in docs/screenshots/ from the real extension and the demo app.
// Run by scripts/docs.sh (tests write theirs under target/ instead).
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { launch, tabIdOf, openPanel, startDemo, ROOT } from '../e2e/lib/browser.mjs';
import { serveStatic } from '../servers/static.mjs';

const out = path.join(ROOT, 'docs/screenshots');
mkdirSync(out, { recursive: true });
const demo = await startDemo();
const web = await serveStatic(path.join(ROOT, 'dist/web'), 0);
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${demo.origin}/`);
  await page.waitForFunction(() => /closed 4001/.test(document.getElementById('expired-state').textContent));
  await page.waitForFunction(() => document.getElementById('doc-log').textContent.includes('submitOp ok'));
  await page.waitForFunction(() => document.getElementById('chat-reply').textContent.includes('one'));
  const panel = await openPanel(browser.context, browser.extensionId, await tabIdOf(browser.context, page));
  await panel.setViewportSize({ width: 1280, height: 800 });
  const save = (name) => panel.screenshot({ path: path.join(out, `${name}.png`) });
  // The detail pane scrolls: bring a tab (frames or lanes) to its top so the shot shows it.
  const showTab = async (name) => {
    const tab = panel.locator(`button[role=tab]:has-text("${name}")`);
    await tab.click();
    await tab.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  };

  await panel.locator('[data-testid=close-card]').waitFor();
  // Drawn right after the first screen, from their own chunks (src/ui/lazy.rs): the frame list,
  // the verify box and the toolbar's buttons.
  for (const id of ['shown-count', 'verify-key', 'export-session']) await panel.locator(`[data-testid=${id}]`).first().waitFor();
  await save('close-and-token-cards');
  await panel.locator('[data-testid=connection]', { hasText: '/ws/chat/demo-1/' }).first().click();
  await showTab('Frames');
  await panel.locator('[data-testid=frame]', { hasText: 'stream_end' }).first().click();
  await panel.locator('[data-testid=frame-detail]').waitFor();
  await save('frames-and-json-tree');
  await panel.locator('[data-testid=connection]', { hasText: '/socket/websocket' }).first().click();
  await showTab('Topics');
  await panel.locator('[data-testid=lane]').first().waitFor();
  await save('topic-lanes');

  const standalone = await browser.context.newPage();
  await standalone.setViewportSize({ width: 1280, height: 800 });
  await standalone.goto(`${web.url}#code=4001`);
  await standalone.waitForTimeout(500);
  await standalone.screenshot({ path: path.join(out, 'standalone-close-lookup.png') });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await demo.stop();
  web.server.close();
}
