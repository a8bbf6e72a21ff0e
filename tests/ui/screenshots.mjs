// Takes the screenshots in docs/screenshots/ from the real binary and the seeded demo calls:
//   node tests/ui/screenshots.mjs [output dir]   (CALLBRIEF_BINARY, SEED_CALLS_BINARY as for tests)
import { mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService, launchBrowser, login } from './harness.mjs';

const out = resolve(process.argv[2] || join(fileURLToPath(import.meta.url), '../../../docs/screenshots'));
mkdirSync(out, { recursive: true });
const service = await startService();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({
    locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  await page.goto(`${service.base}/login`);
  await page.screenshot({ path: join(out, 'login.png') });
  await login(page, service.base);
  await page.locator('table.calls tbody tr').first().waitFor();
  await page.screenshot({ path: join(out, 'calls.png') });
  const id = (await (await context.request.get(`${service.base}/api/calls/demo-order`)).json()).id;
  await page.goto(`${service.base}/calls/${id}`);
  await page.waitForFunction(() => document.querySelector('audio')?.readyState >= 1);
  await page.locator('ol.chat > li').nth(3).getByRole('button').click();
  await page.evaluate(() => document.querySelector('audio').pause());
  await page.screenshot({ path: join(out, 'call.png'), fullPage: true });
  // Talk metrics (issue 16): the conversation card with its two lanes.
  await page.locator('section', { has: page.getByRole('heading', { name: '🗣 Разговор' }) })
    .screenshot({ path: join(out, 'call-conversation.png') });
  // The scorecard of a call whose critical criterion failed (issue 16).
  const price = (await (await context.request.get(`${service.base}/api/calls/demo-price`)).json()).id;
  await page.goto(`${service.base}/calls/${price}`);
  await page.locator('section', { has: page.locator('ul.scorecard') }).screenshot({ path: join(out, 'scorecard.png') });
  await page.goto(`${service.base}/checklists`);
  await page.locator('section[data-checklist="sales"] tbody tr').first().waitFor();
  await page.screenshot({ path: join(out, 'checklists.png'), fullPage: true });
  await page.goto(`${service.base}/dashboard`);
  await page.locator('.uplot canvas').first().waitFor();
  await page.screenshot({ path: join(out, 'dashboard.png'), fullPage: true });
  await page.locator('.team-card').screenshot({ path: join(out, 'dashboard-managers.png') });
  await page.goto(`${service.base}/?sort=talk_share_manager`);
  await page.locator('th[aria-sort="descending"]').waitFor();
  await page.screenshot({ path: join(out, 'calls-by-talk-share.png') });
  await page.goto(`${service.base}/status`);
  await page.getByRole('heading', { name: 'Статус', level: 1 }).waitFor();
  await page.screenshot({ path: join(out, 'status.png'), fullPage: true });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await service.stop();
}
