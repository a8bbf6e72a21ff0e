// Runs the real service for browser tests: seeds a database with seed-calls, starts
// `callbrief serve` on a free port with ADMIN_PASSWORD, and launches Debian's Chromium headless.
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

export async function startService({ password = PASSWORD, seedArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'callbrief-ui-'));
  execFileSync(SEED, ['--database', 'sqlite://data/callbrief.db', '--data-dir', 'data', ...seedArgs],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await freePort();
  const env = {
    PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port),
    DATABASE_URL: 'sqlite://data/callbrief.db', DATA_DIR: 'data', ADMIN_PASSWORD: password,
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

export async function login(page, base, password = PASSWORD) {
  await page.goto(`${base}/`);
  await page.getByLabel(/Пароль|Password/).fill(password);
  await page.getByRole('button', { name: /Войти|Log in/ }).click();
}
