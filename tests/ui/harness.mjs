// Runs the real service for browser tests: seeds a database with seed-calls, starts
// `callbrief serve` on a free port with ADMIN_PASSWORD, and launches Debian's Chromium headless.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
export const BINARY = resolve(process.env.CALLBRIEF_BINARY || join(root, 'build/callbrief'));
export const SEED = resolve(process.env.SEED_CALLS_BINARY || join(root, 'build/tests/support/seed-calls'));
export const FAKE_OPENAI = resolve(process.env.FAKE_OPENAI_BINARY || join(root, 'build/tests/fakes/fake-openai'));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PASSWORD = 'ui-test-password-3b1f';

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function waitHealthy(base, child, log) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`callbrief exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`callbrief did not answer /healthz:\n${log()}`);
}

// The OpenAI emulator as a process (tests/fakes/fake_openai_main.cc) on a free port, for pages
// that ask the summary model (Re-score). Its base URL and key go into startService's `env`.
export async function startFakeOpenAi() {
  const apiKey = 'sk-ui-test';
  const child = spawn(FAKE_OPENAI, ['--port', '0', '--api-key', apiKey], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const baseUrl = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`fake-openai printed no base URL:\n${output}`)), 10_000);
    child.stdout.on('data', (d) => {
      output += d;
      const match = output.match(/base url: (\S+)/);
      if (match) { clearTimeout(timer); done(match[1]); }
    });
    child.stderr.on('data', (d) => { output += d; });
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`fake-openai exited with ${code}:\n${output}`)); });
  });
  return {
    env: { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: apiKey },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}

export async function startService({ password = PASSWORD, seedArgs = [], env: extraEnv = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'callbrief-ui-'));
  execFileSync(SEED, ['--database', 'sqlite://data/callbrief.db', '--data-dir', 'data', ...seedArgs],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await freePort();
  const env = {
    PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port),
    DATABASE_URL: 'sqlite://data/callbrief.db', DATA_DIR: 'data', ADMIN_PASSWORD: password,
    ...extraEnv,
  };
  for (const name of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS']) {
    if (process.env[name]) env[name] = process.env[name];
  }
  let output = '';
  const child = spawn(BINARY, ['serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(base, child, () => output);
  return {
    base, dir, log: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
}

// Runs axe-core in the page (evaluated over the DevTools protocol, so the page's CSP, which
// forbids inline scripts, does not have to be loosened) and returns its violations.
const axeSource = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return result.violations;
}

// Fails with axe-core's serious and critical findings on the page as it is now, naming `where`.
export async function expectNoSeriousViolations(page, where) {
  const violations = (await axeViolations(page))
    .filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`), [],
    `accessibility problems on ${where}`);
}

// A page as a Russian user in Moscow sees it, in a context of its own. What the user would not
// notice but a test must — console errors, uncaught exceptions and, with `watchApi`, API answers
// of 400 and above — is appended to `problems`.
export async function openPage(browser, problems, { watchApi = false } = {}) {
  const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Europe/Moscow', viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  if (watchApi) {
    page.on('response', (r) => {
      if (r.url().includes('/api/') && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
  }
  return { context, page };
}

export async function login(page, base, password = PASSWORD) {
  await page.goto(`${base}/`);
  await page.getByLabel(/Пароль|Password/).fill(password);
  await page.getByRole('button', { name: /Войти|Log in/ }).click();
}
