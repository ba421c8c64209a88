'use strict';
// Accessibility and validity (issue 3, point 9): axe-core's WCAG 2.1 A/AA rules report no
// violation in Chromium, and the Nu HTML Checker (vnu.jar from npm, on the machine's Java) reports
// no error, on the home, sub-site, column, item, catalogue, search and form pages — public and
// back office.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const h = require('../lib/harness');

let browser;
before(async () => {
  browser = await h.launch();
});
after(async () => {
  await browser?.close();
});

/** Public pages: [name, path]. Paths with `{item}` get a real item found at run time. */
const PUBLIC = [
  ['home', '/'],
  ['subsite', '/s/jyj/'],
  ['column', '/s/jyj/c/zcwj/'],
  ['column-articles', '/s/jyj/c/gzdt/'],
  ['column-paged', '/s/www/c/flfg/?page=2'],
  ['item', '{item}'],
  ['item-print', '{item}?print=1'],
  ['catalogue', '/catalogue'],
  ['catalogue-filtered', '/catalogue?genre=notice'],
  ['search', '/search?q=%E6%95%99%E8%82%B2'],
  ['search-empty', '/search'],
  ['guide', '/guide'],
  ['annual-reports', '/annual-reports'],
  ['sites', '/sites'],
  ['report-error', '/report-error'],
  ['login', '/admin/login'],
];

/** Back-office pages, seen by jyj-editor. */
const ADMIN = [
  ['admin-dashboard', '/admin'],
  ['admin-items', '/admin/items'],
  ['admin-item-editor', '/admin/items/new'],
  ['admin-item-view', '{admin-item}'],
];

const checked = []; // HTML files saved for the Nu HTML Checker
const axeFailures = [];

async function firstItem(page, columnPath) {
  await h.visit(page, columnPath);
  const href = await page.locator('main a[href^="/items/"]').first().getAttribute('href');
  assert.ok(href, `no item in ${columnPath}`);
  return href;
}

async function checkPage(context, page, name, p) {
  await h.visit(page, p);
  await h.screenshot(page, name);
  try {
    await h.assertAxeClean(page, name);
  } catch (e) {
    axeFailures.push(e.message);
  }
  checked.push(await h.saveHtml(context, p, name));
}

test('axe-core: public pages', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    const item = await firstItem(page, '/s/jyj/c/zcwj/');
    for (const [name, p] of PUBLIC) {
      await checkPage(context, page, name, p.replace('{item}', item));
    }
    // A form that was rejected (errors shown next to fields) and an error page.
    await h.visit(page, '/report-error');
    await page.getByLabel('问题描述').fill('错');
    await h.postFormAndSave(context, page, 'main form', 'report-error-rejected', 422);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交' }).click()]);
    await page.locator('.error-summary').waitFor();
    try {
      await h.assertAxeClean(page, 'report-error-rejected');
    } catch (e) {
      axeFailures.push(e.message);
    }
    await h.visit(page, '/no-such-page', 404);
    await h.saveHtml(context, '/no-such-page', 'error-404', 404);
    try {
      await h.assertAxeClean(page, 'error-404');
    } catch (e) {
      axeFailures.push(e.message);
    }
    // A planted fault: proves axe-core runs and its answer is read.
    await page.evaluate(() => document.querySelector('main').insertAdjacentHTML('afterbegin', '<img src="/static/none.png">'));
    const planted = await h.axe(page);
    assert.ok(planted.violations.some((v) => v.id === 'image-alt'), 'axe-core did not report the planted fault (an img without alt): is it running?');
    page.problems = page.problems.filter((p) => !p.includes('/static/none.png'));
    // Large-text mode on the home page.
    await page.goto(h.url('/large-text?back=%2F'));
    assert.match(await page.locator('body').getAttribute('class'), /large-text/);
    await checkPage(context, page, 'home-large-text', '/');
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
  assert.equal(axeFailures.length, 0, axeFailures.join('\n\n'));
});

test('axe-core: back-office pages', async () => {
  const failuresBefore = axeFailures.length;
  const { context, page } = await h.newPage(browser);
  try {
    await h.signIn(page, 'jyj-editor');
    const adminItem = (await page.locator('main a[href^="/admin/items/"]').evaluateAll((as) =>
      as.map((a) => a.getAttribute('href')).filter((href) => /^\/admin\/items\/\d+$/.test(href))))[0];
    for (const [name, p] of ADMIN) {
      if (p === '{admin-item}' && !adminItem) continue;
      await checkPage(context, page, name, p.replace('{admin-item}', adminItem));
    }
    // The editor with every field rejected.
    await h.visit(page, '/admin/items/new');
    await h.postFormAndSave(context, page, 'form.item-form', 'admin-item-editor-rejected', 422);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '保存' }).click()]);
    await page.locator('.error-summary').waitFor();
    try {
      await h.assertAxeClean(page, 'admin-item-editor-rejected');
    } catch (e) {
      axeFailures.push(e.message);
    }
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
  const mine = axeFailures.slice(failuresBefore);
  assert.equal(mine.length, 0, mine.join('\n\n'));
});

/** Management pages, seen by the platform administrator. */
const MANAGEMENT = [
  ['admin-users', '/admin/users'],
  ['admin-user-form', '/admin/users/new'],
  ['admin-sites', '/admin/sites'],
  ['admin-columns', '{columns}'],
  ['admin-orgs', '/admin/orgs'],
  ['admin-audit', '/admin/audit'],
  ['admin-items-withdrawn', '/admin/items?status=withdrawn'],
  ['item-withdrawn', '{withdrawn}'],
];

test('axe-core: management pages and a withdrawn item', async () => {
  const failuresBefore = axeFailures.length;
  const { context, page } = await h.newPage(browser);
  try {
    await h.signIn(page, 'admin');
    await h.visit(page, '/admin/sites');
    const columns = await page.locator('main a[href$="/columns"]').first().getAttribute('href');
    await h.visit(page, '/admin/items?status=withdrawn');
    const withdrawn = (await page.locator('main a[href^="/admin/items/"]').evaluateAll((as) =>
      as.map((a) => a.getAttribute('href')).filter((href) => /^\/admin\/items\/\d+$/.test(href))))[0];
    for (const [name, p] of MANAGEMENT) {
      if (p === '{withdrawn}') {
        if (!withdrawn) continue;
        await checkPage(context, page, name, withdrawn.replace('/admin', ''));
        await page.locator('.notice-withdrawn').waitFor();
        continue;
      }
      await checkPage(context, page, name, p.replace('{columns}', columns));
    }
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
  const mine = axeFailures.slice(failuresBefore);
  assert.equal(mine.length, 0, mine.join('\n\n'));
});

test('Nu HTML Checker: no errors in the pages and the stylesheet', async () => {
  const htmlDir = path.join(h.ARTIFACTS, 'html');
  const files = fs.readdirSync(htmlDir).filter((f) => f.endsWith('.html')).map((f) => path.join(htmlDir, f));
  assert.ok(files.length >= PUBLIC.length, `only ${files.length} pages were saved for the checker`);
  const resp = await fetch(h.url('/static/site.css'));
  assert.equal(resp.status, 200);
  const css = path.join(h.ARTIFACTS, 'site.css');
  fs.writeFileSync(css, await resp.text());

  // A planted fault, checked in the same run: proves the checker runs and its answer is read.
  const canary = path.join(h.ARTIFACTS, 'canary-broken.html');
  fs.writeFileSync(canary, '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>canary</title></head><body><img src="x.png"></body></html>');

  const jar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
  const r = spawnSync('java', ['-Xss4m', '-jar', jar, '--errors-only', '--also-check-css', '--format', 'json', ...files, css, canary], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.error, undefined, `could not run java: ${r.error}`);
  const out = r.stderr.trim() || r.stdout.trim();
  let messages;
  try {
    messages = JSON.parse(out).messages;
  } catch {
    assert.fail(`the Nu HTML Checker did not answer JSON (exit ${r.status}):\n${out.slice(0, 4000)}`);
  }
  fs.writeFileSync(path.join(h.ARTIFACTS, 'vnu.json'), JSON.stringify(messages, null, 2));
  const isError = (m) => m.type === 'error' || m.subType === 'fatal' || m.type === 'non-document-error';
  const fromCanary = (m) => (m.url || '').endsWith('/canary-broken.html');
  assert.ok(messages.some((m) => isError(m) && fromCanary(m) && /“alt”/.test(m.message)),
    'the Nu HTML Checker did not report the planted fault (an img without alt): is it running?');
  const errors = messages.filter((m) => isError(m) && !fromCanary(m));
  const text = errors
    .map((m) => `${path.basename(decodeURIComponent(m.url || ''))}:${m.lastLine || ''}:${m.firstColumn || ''}: ${m.message}\n    ${(m.extract || '').replace(/\n/g, '⏎')}`)
    .join('\n');
  assert.equal(errors.length, 0, `the Nu HTML Checker found ${errors.length} error(s) in ${files.length} pages and site.css:\n${text}`);
});
