// Talk metrics in the web UI (issue 16), in a real browser against the real binary and the seeded
// demo calls: the Calls list sorted by a metric column on the server (both orders, calls without
// the metric last, the filters kept), and the call page's two-lane timeline that seeks the audio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, launchBrowser, login, expectNoSeriousViolations, openPage } from './harness.mjs';

let service;
let browser;
let context;
let page;
const pageProblems = [];

async function apiJson(path) {
  const response = await context.request.get(`${service.base}${path}`);
  assert.equal(response.status(), 200, path);
  return response.json();
}

// The talk-share column as the page shows it: a percentage, or null for "—".
async function shareColumn() {
  const cells = await page.locator('table.calls tbody td[data-metric="talk_share_manager"]').allInnerTexts();
  return cells.map((text) => (text.trim() === '—' ? null : Number.parseInt(text, 10)));
}

function assertOrdered(values, ascending) {
  const known = values.filter((v) => v !== null);
  assert.ok(known.length >= 2, `at least two calls with the metric: ${values}`);
  assert.deepEqual(values.slice(0, known.length), known, `calls without the metric come last: ${values}`);
  const sorted = [...known].sort((a, b) => (ascending ? a - b : b - a));
  assert.deepEqual(known, sorted, `${ascending ? 'ascending' : 'descending'}: ${values}`);
}

before(async () => {
  service = await startService();
  browser = await launchBrowser();
  ({ context, page } = await openPage(browser, pageProblems, { watchApi: true }));
  await login(page, service.base);
  await page.locator('table.calls tbody tr').first().waitFor();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

test('a talk-metric column sorts the list on the server, largest first, then smallest first', async () => {
  const header = page.getByRole('button', { name: 'Речь менеджера' });
  await header.click();
  await page.waitForURL(/sort=talk_share_manager/);
  await page.locator('th[aria-sort="descending"]').waitFor();
  assertOrdered(await shareColumn(), false);
  // The page shows what the API answers for this order, call for call.
  const api = await apiJson('/api/calls?sort=talk_share_manager&limit=50');
  const shown = await page.locator('table.calls tbody tr[data-call-id]').evaluateAll(
    (rows) => rows.map((r) => Number(r.dataset.callId)));
  assert.deepEqual(shown, api.calls.map((c) => c.id));

  await page.getByRole('button', { name: /Речь менеджера/ }).click();
  await page.waitForURL(/order=asc/);
  await page.locator('th[aria-sort="ascending"]').waitFor();
  assertOrdered(await shareColumn(), true);
});

test('the filters keep the sort, and the sorted list keeps the filters', async () => {
  await page.getByLabel('Направление').selectOption({ label: 'Входящий' });
  await page.getByRole('button', { name: 'Применить' }).click();
  await page.waitForURL(/direction=incoming/);
  assert.match(page.url(), /sort=talk_share_manager/);
  assert.match(page.url(), /order=asc/);
  await page.locator('th[aria-sort="ascending"]').waitFor();
  const directions = await page.locator('table.calls tbody tr[data-call-id] td:nth-child(2)').allInnerTexts();
  assert.ok(directions.length > 0);
  assert.ok(directions.every((d) => d === 'Входящий'), `only incoming calls: ${directions}`);
  assertOrdered(await shareColumn(), true);
  await expectNoSeriousViolations(page, 'the sorted list');
});

test('the call page draws who spoke when in two lanes, and a bar or the lane seeks the recording', async () => {
  const call = await apiJson('/api/calls/demo-order');
  await page.goto(`${service.base}/calls/${call.id}`);
  await page.getByRole('heading', { name: '🗣 Разговор' }).waitFor();
  for (const speaker of ['manager', 'client']) {
    const starts = await page.locator(`.talk-track[data-lane="${speaker}"] .talk-bar`).evaluateAll(
      (bars) => bars.map((b) => Number(b.dataset.startMs)));
    assert.deepEqual(starts, call.transcript.filter((s) => s.speaker === speaker).map((s) => s.start_ms),
      `the ${speaker}'s lane has a bar per segment, in order`);
  }
  const share = `${Math.round(call.metrics.talk_share_manager * 100)} %`;
  assert.equal(await page.locator('[data-metric="talk_share_manager"]').innerText(), share);

  await page.waitForFunction(() => document.querySelector('audio').readyState >= 1);
  const bar = page.locator('.talk-track[data-lane="client"] .talk-bar').nth(1);
  const startMs = Number(await bar.getAttribute('data-start-ms'));
  assert.ok(startMs > 1000);
  await bar.click();
  await page.waitForFunction((s) => Math.abs(document.querySelector('audio').currentTime - s) < 0.5, startMs / 1000);

  // A click on the lane where the manager is silent seeks to that moment of the timeline, whose
  // length the axis shows ("00:48"): 90 % of the way, past the last word here.
  await page.evaluate(() => document.querySelector('audio').pause());
  const [minutes, seconds] = (await page.locator('.talk-axis span').last().innerText()).split(':').map(Number);
  const timelineSeconds = minutes * 60 + seconds;
  const lastWord = Math.max(...call.transcript.map((s) => s.end_ms)) / 1000;
  assert.ok(0.9 * timelineSeconds > lastWord, 'the click lands after the last word');
  const track = page.locator('.talk-track[data-lane="manager"]');
  const box = await track.boundingBox();
  await page.mouse.click(box.x + box.width * 0.9, box.y + box.height / 2);
  const audioSeconds = await page.evaluate(() => document.querySelector('audio').duration);
  // The player stops at the recording's end when the timeline (the call's length) is longer.
  await page.waitForFunction((s) => Math.abs(document.querySelector('audio').currentTime - s) < 1.0,
    Math.min(0.9 * timelineSeconds, audioSeconds));
  await expectNoSeriousViolations(page, 'the call page');
});

test('the dashboard ranks the managers by score, then talk share against 43 %, links failed criteria to their calls, and a name opens their calls', async () => {
  await page.goto(`${service.base}/dashboard`);
  await page.getByRole('heading', { name: 'Менеджеры' }).waitFor();
  const today = new Date();
  const from = new Date(today);
  from.setDate(from.getDate() - 29);
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const stats = await apiJson(`/api/stats?from=${iso(from)}&to=${iso(today)}&tz=180`);
  const measured = stats.managers.filter((m) => m.talk_share_manager !== null);
  assert.ok(measured.length >= 2, `two managers with measured calls: ${JSON.stringify(stats.managers)}`);

  const rows = page.locator('table.team tbody tr');
  assert.equal(await rows.count(), stats.managers.length);
  const ranked = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.managerId)));
  // The best average score first; without a score, the closest talk share to 43 % first.
  const byId = (id) => stats.managers.find((m) => m.id === id);
  const key = (id) => [-(byId(id).average_score ?? -1000), byId(id).talk_share_manager === null
    ? 1000 : Math.abs(byId(id).talk_share_manager - 0.43)];
  for (let i = 1; i < measured.length; ++i) {
    const [a, b] = [key(ranked[i - 1]), key(ranked[i])];
    assert.ok(a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]), `ranked by score, then talk share: ${ranked}`);
  }
  // A criterion failed most often links to the calls that failed it.
  const failing = stats.managers.find((m) => m.failed_criteria.length > 0);
  if (failing) {
    const first = failing.failed_criteria[0].call_ids[0];
    const link = page.locator(`tr[data-manager-id="${failing.id}"] ul.failed-criteria > li`).first()
      .locator(`a[data-failed-call="${first}"]`);
    assert.equal(await link.getAttribute('href'), `/calls/${first}`);
  }
  const first = stats.managers.find((m) => m.id === ranked[0]);
  assert.match(await rows.first().innerText(), new RegExp(`${Math.round(first.talk_share_manager * 100)} %`));

  await expectNoSeriousViolations(page, 'the dashboard');

  await rows.first().locator('th a').click();
  await page.waitForURL(new RegExp(`manager=${first.id}.*sort=talk_share_manager`));
  await page.locator('th[aria-sort="descending"]').waitFor();
  const managers = await page.locator('table.calls tbody tr[data-call-id] td:nth-child(4)').allInnerTexts();
  assert.ok(managers.length > 0);
  assert.ok(managers.every((name) => name === first.name), `only ${first.name}'s calls: ${managers}`);
});

test('no page problem was logged', () => {
  assert.deepEqual(pageProblems, []);
});
