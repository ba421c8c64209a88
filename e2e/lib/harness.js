'use strict';
// Shared helpers of the end-to-end tests: where the server is, the demo users, the browser,
// screenshots, saved HTML for the Nu HTML Checker, axe-core, and signing in.
//
// scripts/e2e starts the server and sets:
//   GONGKAI_E2E_BASE   the server's base URL, e.g. http://127.0.0.1:41234
//   GONGKAI_E2E_USERS  a file holding what `gongkai demo` printed (one line per account)
// Everything a test writes goes under e2e/artifacts/ (gitignored).

const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const E2E_DIR = path.resolve(__dirname, '..');
const ARTIFACTS = process.env.GONGKAI_E2E_ARTIFACTS || path.join(E2E_DIR, 'artifacts');
const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');
const HTML_DIR = path.join(ARTIFACTS, 'html');
const CHROMIUM = process.env.GONGKAI_E2E_CHROMIUM || '/usr/bin/chromium';

/** The WCAG 2.1 A and AA rules of axe-core: what issue 3 asks to pass with no violation. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

function base() {
  const b = process.env.GONGKAI_E2E_BASE;
  if (!b) {
    throw new Error('GONGKAI_E2E_BASE is not set: run the end-to-end tests through scripts/e2e');
  }
  return b.replace(/\/$/, '');
}

function url(p) {
  return base() + p;
}

/**
 * The demo accounts as `gongkai demo` prints them:
 *   `  jyj-editor     password: XXXX   编辑 · 示范市教育局`
 * Returns { username: { password, role, org } }.
 */
function parseUsers(text) {
  const users = {};
  for (const line of text.split('\n')) {
    const m = /^\s+(\S+)\s+password:\s+(\S+)\s+(\S+)\s+·\s+(.+?)\s*$/.exec(line);
    if (m && !m[2].startsWith('(')) {
      users[m[1]] = { password: m[2], role: m[3], org: m[4] };
    }
  }
  return users;
}

let usersCache;
function users() {
  if (!usersCache) {
    const file = process.env.GONGKAI_E2E_USERS;
    if (!file) {
      throw new Error('GONGKAI_E2E_USERS is not set: run the end-to-end tests through scripts/e2e');
    }
    usersCache = parseUsers(fs.readFileSync(file, 'utf8'));
  }
  return usersCache;
}

function password(username) {
  const u = users()[username];
  assert.ok(u, `the demo did not print a password for ${username} (was the data directory new?)`);
  return u.password;
}

async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --no-sandbox: the tests run as root in containers, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--font-render-hinting=none'],
  });
}

/**
 * A fresh browser context (its own cookies) and a page that records problems the user would not
 * see: console errors (a CSP refusal shows up there), failed requests and uncaught exceptions.
 */
async function newPage(browser, opts = {}) {
  const context = await browser.newContext({
    locale: 'zh-CN',
    viewport: opts.viewport || { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    ...opts.context,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const text = msg.text();
      // A deliberate 403/404/409/422 response is logged by Chromium as a failed resource; it is checked
      // by the tests themselves.
      if (/Failed to load resource: the server responded with a status of (403|404|409|410|422)/.test(text)) return;
      page.problems.push(`console error on ${page.url()}: ${text}`);
    }
  });
  page.on('pageerror', (err) => page.problems.push(`page error on ${page.url()}: ${err.message}`));
  page.on('requestfailed', (req) => {
    page.problems.push(`request failed: ${req.url()} (${req.failure() && req.failure().errorText})`);
  });
  return { context, page };
}

function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the browser reported problems:\n' + page.problems.join('\n'));
}

/** Goes to `p` (a path) and checks the HTTP status (200 unless told). */
async function visit(page, p, status = 200) {
  const resp = await page.goto(url(p), { waitUntil: 'load' });
  assert.ok(resp, `no response for ${p}`);
  assert.equal(resp.status(), status, `GET ${p} answered ${resp.status()}, expected ${status}`);
  return resp;
}

async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Saves the HTML of `p` exactly as the server sends it (not the browser's DOM), with the context's
 * cookies (so back-office pages come out as the signed-in user sees them), for the Nu HTML Checker.
 */
async function saveHtml(context, p, name, status = 200) {
  const resp = await context.request.get(url(p), { maxRedirects: 0 });
  assert.equal(resp.status(), status, `GET ${p} (for the HTML checker) answered ${resp.status()}`);
  const type = resp.headers()['content-type'] || '';
  assert.match(type, /^text\/html/, `GET ${p} is not HTML: ${type}`);
  return saveBody(name, await resp.body());
}

/** Saves a response body as `artifacts/html/{name}.html` for the Nu HTML Checker. */
function saveBody(name, body) {
  fs.mkdirSync(HTML_DIR, { recursive: true });
  const file = path.join(HTML_DIR, `${name}.html`);
  fs.writeFileSync(file, body);
  return file;
}

/**
 * Submits the form around the button `buttonName` on the current page the way the browser would,
 * but through the context's request API, and saves what the server answered for the checker.
 */
async function postFormAndSave(context, page, formSelector, name, expectStatus) {
  const { action, fields } = await page.locator(formSelector).evaluate((form) => ({
    action: form.action,
    fields: [...new FormData(form).entries()].filter(([, v]) => typeof v === 'string'),
  }));
  const body = new URLSearchParams(fields).toString();
  const resp = await context.request.post(action, {
    data: body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    maxRedirects: 0,
  });
  assert.equal(resp.status(), expectStatus, `POST ${action} (for the HTML checker) answered ${resp.status()}`);
  return saveBody(name, await resp.body());
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page (injected from node_modules through the DevTools protocol, so the
 * site's Content-Security-Policy stays on) and returns its violations of the WCAG 2.1 A/AA rules.
 */
async function axe(page) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) {
    await page.evaluate(AXE_SOURCE);
  }
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 300), summary: n.failureSummary })),
      })),
      incomplete: r.incomplete.map((v) => ({ id: v.id, count: v.nodes.length })),
    };
  }, AXE_TAGS);
  return result;
}

function formatViolations(where, violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => `      ${n.target}\n        ${n.html}\n        ${(n.summary || '').replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element(s)) ${v.helpUrl}\n${nodes}`;
    })
    .map((s) => `${where}\n${s}`)
    .join('\n');
}

async function assertAxeClean(page, name) {
  const { violations } = await axe(page);
  fs.mkdirSync(path.join(ARTIFACTS, 'axe'), { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'axe', `${name}.json`), JSON.stringify(violations, null, 2));
  assert.equal(violations.length, 0, `axe-core found WCAG 2.1 AA violations:\n${formatViolations(`${name} (${page.url()})`, violations)}`);
}

/** Signs `username` in through the login form; leaves the page on the dashboard. */
async function signIn(page, username) {
  await visit(page, '/admin/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password(username));
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '登录' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/admin', `${username} did not reach the dashboard after signing in (at ${page.url()})`);
  await page.getByText(`（${username}）`).waitFor();
}

module.exports = {
  ARTIFACTS,
  AXE_TAGS,
  assertAxeClean,
  assertNoProblems,
  axe,
  base,
  launch,
  newPage,
  parseUsers,
  password,
  saveBody,
  saveHtml,
  postFormAndSave,
  screenshot,
  signIn,
  url,
  users,
  visit,
};
