// The Trackers page and the tracker filter in a real browser against the real binary (issue 17,
// item 2): a database seeded with the tracker "Отказ" (its hits found as the calls were stored),
// a tracker created, refused, edited and deleted on the page, the Calls list filtered by tracker,
// the hit on the call page, and the dashboard's count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, launchBrowser, login, expectNoSeriousViolations, openPage } from './harness.mjs';

let service;
let browser;
let page;
const pageProblems = [];


// The header's section links (a tracker's row has a "Звонки" link of its own).
function nav(name) {
  return page.locator('header nav').getByRole('link', { name, exact: true });
}

function trackerRows() {
  return page.locator('table.trackers tbody tr');
}

before(async () => {
  service = await startService({ seedArgs: ['--tracker', 'Отказ=отменить заказ'] });
  browser = await launchBrowser();
  ({ page } = await openPage(browser, pageProblems));
  await login(page, service.base);
  await page.getByRole('heading', { name: 'Звонки' }).waitFor();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

test('the Trackers page lists the stored trackers', async () => {
  await nav('Трекеры').click();
  await page.getByRole('heading', { name: 'Трекеры', level: 1 }).waitFor();
  await trackerRows().first().waitFor();
  assert.equal(await trackerRows().count(), 1);
  const row = await trackerRows().first().innerText();
  assert.match(row, /Отказ/);
  assert.match(row, /отменить заказ/);
  assert.match(row, /обе стороны/);
  await expectNoSeriousViolations(page, 'the Trackers page');
});

test('a tracker without a word is refused with the reason, and nothing is saved', async () => {
  await page.getByLabel('Название').fill('Пустой');
  await page.getByLabel('Слова и фразы').fill('?!');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  const error = page.getByRole('alert');
  await error.filter({ hasText: 'phrases:' }).waitFor();
  assert.match(await error.innerText(), /Не сохранено: .*has no word/);
  assert.equal(await trackerRows().count(), 1);
  // The browser logs the refused request itself; that one is expected.
  const refused = pageProblems.findIndex((p) => /status of 400/.test(p));
  assert.notEqual(refused, -1);
  pageProblems.splice(refused, 1);
});

test('a tracker is created, edited and deleted on the page', async () => {
  await page.getByLabel('Название').fill('Конкуренты');
  await page.getByLabel('Чьи реплики').selectOption('client');
  await page.getByLabel('Слова и фразы').fill('Мебель-Маркет\n\nдругой поставщик');
  await page.getByLabel('Присылать оповещение в Telegram').check();
  await page.getByRole('button', { name: 'Сохранить' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.trackers tbody tr').length === 2);
  const created = page.locator('table.trackers tbody tr', { hasText: 'Конкуренты' });
  assert.match(await created.innerText(), /клиент\s+Мебель-Маркет, другой поставщик\s+оповещение/);

  await created.getByRole('button', { name: /Изменить/ }).click();
  await page.getByRole('heading', { name: 'Изменить трекер «Конкуренты»' }).waitFor();
  await page.getByLabel('Название').fill('Конкуренты и цены');
  await page.getByLabel('Слова и фразы').fill('дешевле');
  await page.getByRole('button', { name: 'Сохранить' }).click();
  const edited = page.locator('table.trackers tbody tr', { hasText: 'Конкуренты и цены' });
  await edited.waitFor();
  assert.match(await edited.innerText(), /дешевле/);
  assert.equal(await trackerRows().count(), 2);

  page.once('dialog', (dialog) => dialog.accept());
  await edited.getByRole('button', { name: /Удалить/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.trackers tbody tr').length === 1);
  const listed = await (await page.request.get(`${service.base}/api/trackers`)).json();
  assert.deepEqual(listed.trackers.map((t) => t.name), ['Отказ']);
});

test('the Calls list filters by tracker, and the call page shows the hit and opens at its line', async () => {
  await nav('Звонки').click();
  await page.getByLabel('Трекер').selectOption({ label: 'Отказ' });
  await page.getByRole('button', { name: 'Применить' }).click();
  await page.waitForURL(/tracker=\d+/);
  await page.waitForFunction(() => document.querySelectorAll('table.calls tbody tr').length === 1);
  const row = page.locator('table.calls tbody tr').first();
  assert.match(await row.innerText(), /\+79035550123/);

  await row.getByRole('link').first().click();
  const hits = page.locator('.tracker-hits li');
  await hits.first().waitFor();
  assert.equal(await hits.count(), 1);
  assert.match(await hits.first().innerText(), /Отказ: «отменю заказ» Клиент, /);
  await hits.first().getByRole('link').click();
  await page.waitForURL(/#t=\d/);
  const found = page.locator('.chat li.found');
  await found.waitFor();
  assert.match(await found.innerText(), /я отменю заказ/);
});

test('the dashboard counts the hits of each tracker in the period', async () => {
  await nav('Дашборд').click();
  const card = page.locator('[data-trackers]');
  await card.locator('tbody tr').first().waitFor();
  const cells = await card.locator('tbody tr').first().locator('th, td').allTextContents();
  assert.deepEqual(cells, ['Отказ', '1', '1']);
  await expectNoSeriousViolations(page, 'the dashboard with trackers');
});

test('no page logged an error', () => {
  assert.deepEqual(pageProblems, []);
});
