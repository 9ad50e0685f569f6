// The standalone page also works from `trunk serve` (the development server), including the
// signature-verification module, which Trunk's post_build hook builds (scripts/build-modules.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { launch, ROOT } from './lib/browser.mjs';
import { freePort, startProcess } from '../servers/lib/process.mjs';

let trunk, browser, url;
before(async () => {
  const port = await freePort();
  const env = { PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}`, XDG_CACHE_HOME: `${ROOT}/target/xdg-cache` };
  // --release reuses what scripts/build.sh compiled; --no-autoreload keeps trunk's reload socket out.
  trunk = await startProcess('trunk', ['serve', '--release', '--offline', '--no-autoreload', '--address', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT, env, ready: /server listening at|📡/, timeoutMs: 600000, name: 'trunk serve',
  });
  url = `http://127.0.0.1:${port}/`;
  browser = await launch({ extension: false });
});
after(async () => {
  await browser?.close();
  await trunk?.stop();
});

test('under trunk serve, a pasted HS256 token decodes and verifies with its secret', async () => {
  const secret = `s-${Date.now()}`;
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'serve-user', exp: now + 600 })}`;
  const jwt = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  // Trunk may still be finishing its first build when it starts listening.
  await page.waitForSelector('[data-testid=token-input]', { timeout: 120000 });
  await page.fill('[data-testid=token-input]', jwt);
  await page.locator('[data-testid=token-card]').waitFor();
  assert.match(await page.textContent('[data-testid=token-card]'), /serve-user/);
  await page.fill('[data-testid=verify-key]', secret);
  await page.click('[data-testid=verify-button]');
  const outcome = page.locator('[data-testid=verify-outcome]');
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute('data-state'), 'ok', await outcome.textContent());
  await page.fill('[data-testid=verify-key]', `${secret}-wrong`);
  await page.click('[data-testid=verify-button]');
  await page.waitForFunction(() => document.querySelector('[data-testid=verify-outcome]')?.getAttribute('data-state') === 'bad');
  assert.deepEqual(errors, []);
  await page.close();
});
