// Issue 2's end-to-end proof: the built extension in real Chromium captures the demo page's
// sockets, and panel.html?tab=<id> lists the connection, its URL and frames in both directions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, tabIdOf, openPanel, shot, startDemo } from './lib/browser.mjs';

let demo, browser, origin;
before(async () => {
  demo = await startDemo();
  origin = demo.origin;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('the panel shows the demo page\'s chat socket with frames in both directions', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${origin}/`);
  const cfg = await (await fetch(`${origin}/config.json`)).json();
  // The page's own behaviour first: it must work with the extension installed.
  await page.waitForFunction(() => document.getElementById('chat-reply').textContent.length > 0);
  await page.waitForFunction(() => /closed 4001/.test(document.getElementById('expired-state').textContent));
  const sent = 'Hi from the demo page'; // what demo.js sends on open
  const reply = await page.textContent('#chat-reply');

  const tab = await tabIdOf(browser.context, page);
  const panel = await openPanel(browser.context, browser.extensionId, tab);
  const chatPath = `/ws/chat/${cfg.chat.conversation}/`;
  const row = panel.locator('[data-testid=connection]', { hasText: chatPath }).first();
  await row.waitFor({ timeout: 10000 });
  assert.ok((await panel.locator('[data-testid=connection]').count()) >= 3, 'chat, phoenix and expired sockets');
  await row.click();

  // The list is virtualised and follows the tail, so find frames the way a user does: filter.
  await panel.fill('[data-testid=filter]', sent);
  const outFrame = panel.locator('[data-testid=frame][data-dir=out]', { hasText: sent });
  await outFrame.first().waitFor({ timeout: 10000 });
  // The streamed reply arrives as several frames; the first token must be among the received ones.
  const firstWord = reply.trim().split(/\s+/)[0];
  await panel.fill('[data-testid=filter]', `"token":"${firstWord}`);
  const inFrames = panel.locator('[data-testid=frame][data-dir=in]', { hasText: firstWord });
  await inFrames.first().waitFor({ timeout: 10000 });
  assert.match(await panel.textContent('[data-testid=counts]'), / 0 schema problems/);
  assert.match(await panel.textContent('[data-testid=mode]'), /extension tab/);
  await shot(panel, 'foundation-panel');
  assert.deepEqual(panel.socketscopeErrors, []);
});
