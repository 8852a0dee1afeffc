/**
 * E2E harness: the built app (web/dist, built by global-setup.ts) served by the same static server as
 * `flatlab serve`, driven by playwright-core in Debian's Chromium with a fresh profile.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type StaticServer, startStaticServer } from '../../src/cli/commands/serve.js';

export const ARTIFACTS = resolve('test-artifacts');
export const CHROMIUM = process.env.FLATLAB_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Session {
  server: StaticServer;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openSession(): Promise<Session> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startStaticServer(resolve('web/dist'), 0, '127.0.0.1');
  const profile = mkdtempSync(join(tmpdir(), 'flatlab-chromium-'));
  // launchPersistentContext is the playwright way to pass a fresh --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1360, height: 1000 },
  });
  const browser = context.browser() as Browser;
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    server,
    browser,
    page,
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    },
  };
}

/** Exact value behind a readout (data-value holds String(x), the shortest round-trip text). */
export async function readValue(page: Page, testid: string): Promise<number> {
  const raw = await page.getByTestId(testid).getAttribute('data-value');
  if (raw === null || raw === '') throw new Error(`${testid} has no value`);
  return Number(raw);
}

export async function readText(page: Page, testid: string): Promise<string> {
  return (await page.getByTestId(testid).textContent()) ?? '';
}

/** Wait until the worker is idle (not loading, replaying or playing). */
export async function waitIdle(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForSelector('[data-testid="status"][data-state="idle"]', { timeout });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Wait until the readouts were computed for this symmetry view (`symLog|mode|balanced`). */
export async function waitView(page: Page, view: string, timeout = 10_000): Promise<void> {
  await page.waitForSelector(`[data-testid="readouts"][data-view="${view}"]`, { timeout });
}

/**
 * Open a link as a fresh page load. (A goto that only changes the fragment is a same-document
 * navigation: the app handles it through hashchange and may rewrite the fragment before a reload.)
 */
export async function openLink(page: Page, url: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
}
