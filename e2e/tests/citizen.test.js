'use strict';
// A citizen browses the portal → a department's sub-site → a column → an item, and reads the
// catalogue header; the large-text mode (适老化) survives navigation; pages are photographed.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

let browser;
before(async () => {
  browser = await h.launch();
});
after(async () => {
  await browser?.close();
});

const INDEX_NUMBER = /^[0-9A-Z]{9,18}\/\d{4}-\d{5}$/;

/** The catalogue header of an item page, as { label: value }. */
async function metaHeader(page) {
  return page.locator('table.meta-table').evaluate((table) => {
    const out = {};
    for (const th of table.querySelectorAll('th[scope="row"]')) {
      out[th.textContent.trim()] = th.nextElementSibling.textContent.trim();
    }
    return out;
  });
}

test('portal → sub-site → column → item shows the catalogue header', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    await h.visit(page, '/');
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: '示范市人民政府门户网站' }).waitFor({ state: 'attached' }));
    for (const module of ['领导信息公开', '政务信息', '基础信息公开', '重点领域公开', '最新信息']) {
      await page.getByRole('heading', { level: 2, name: module }).waitFor();
    }
    for (const entrance of ['政府信息公开指南', '政府信息公开目录', '政府信息公开年报', '依申请公开', '我为政府网站找错']) {
      await page.locator('.entrances').getByRole('link', { name: new RegExp(entrance) }).waitFor();
    }
    await h.screenshot(page, 'home');

    // The portal links to every one of the 43 sub-sites.
    const siteLinks = await page.locator('a[href^="/s/"]').evaluateAll((as) =>
      [...new Set(as.map((a) => a.getAttribute('href')).filter((href) => /^\/s\/[a-z0-9-]+\/$/.test(href)))]);
    assert.ok(siteLinks.length >= 42, `the portal links to ${siteLinks.length} sub-sites, expected the demo city's 42 besides itself`);

    // → the education bureau's sub-site
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '示范市教育局', exact: true }).first().click()]);
    assert.equal(new URL(page.url()).pathname, '/s/jyj/');
    await page.getByRole('heading', { level: 1, name: '示范市教育局' }).waitFor({ state: 'attached' });
    await page.getByRole('link', { name: '示范市人民政府门户网站' }).first().waitFor();
    await h.screenshot(page, 'subsite');

    // → its 政策文件 column, through the column navigation
    const nav = page.getByRole('navigation', { name: '栏目导航' });
    await Promise.all([page.waitForNavigation(), nav.getByRole('link', { name: '政策文件', exact: true }).click()]);
    assert.equal(new URL(page.url()).pathname, '/s/jyj/c/zcwj/');
    await page.getByRole('heading', { level: 1, name: '政策文件' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: '政策文件', exact: true }).getAttribute('aria-current'), 'page');
    const crumbs = page.getByRole('navigation', { name: '面包屑' });
    assert.equal(await crumbs.getByRole('link', { name: '首页' }).getAttribute('href'), '/s/jyj/');
    assert.equal((await crumbs.locator('[aria-current="page"]').textContent()).trim(), '政策文件');
    const rows = page.locator('table.list-table tbody tr');
    assert.ok((await rows.count()) > 0, 'the column lists no item');
    const dates = await page.locator('table.list-table td.col-date').allTextContents();
    const sorted = [...dates].sort().reverse();
    assert.deepEqual(dates, sorted, 'the column is not in date order, newest first');
    await page.getByText(/共 \d+ 条/).waitFor();
    await h.screenshot(page, 'column');

    // → the first item
    const first = rows.first().locator('a');
    const title = (await first.textContent()).trim();
    const listedIndex = (await rows.first().locator('td.col-index').textContent()).trim();
    await Promise.all([page.waitForNavigation(), first.click()]);
    assert.match(new URL(page.url()).pathname, /^\/items\/\d+$/);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const meta = await metaHeader(page);
    for (const label of ['索引号', '主题分类', '发布机构', '成文日期', '文号', '发布日期', '体裁', '有效性', '名称', '关键词']) {
      assert.ok(label in meta, `the catalogue header has no ${label} (it has ${Object.keys(meta).join('、')})`);
    }
    assert.match(meta['索引号'], INDEX_NUMBER);
    assert.equal(meta['索引号'], listedIndex, 'the item page and the column list disagree on the 索引号');
    assert.equal(meta['发布机构'], '示范市教育局');
    assert.match(meta['发布日期'], /^\d{4}-\d{2}-\d{2}$/);
    assert.match(meta['文号'], /〔\d{4}〕\d+号$|^无$/);
    assert.equal(meta['名称'], title);
    // Breadcrumbs lead back up; print view and share link are there.
    assert.equal(await crumbs.getByRole('link', { name: '政策文件' }).getAttribute('href'), '/s/jyj/c/zcwj/');
    await page.getByRole('link', { name: '打印本页' }).waitFor();
    await page.getByLabel('本页链接（可复制分享）').waitFor();
    await h.screenshot(page, 'item');

    // The print view leaves out the navigation.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '打印本页' }).click()]);
    assert.equal(await page.getByRole('navigation', { name: '栏目导航' }).count(), 0, 'the print view still shows the column navigation');
    await page.locator('table.meta-table').waitFor();
    await h.screenshot(page, 'item-print');
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
});

test('catalogue, search, guide and report-error pages', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    await h.visit(page, '/catalogue');
    await page.getByRole('heading', { level: 1, name: '政府信息公开目录' }).waitFor();
    for (const facet of ['发布机构', '体裁', '有效性']) {
      await page.getByRole('heading', { name: facet }).first().waitFor();
    }
    await h.screenshot(page, 'catalogue');
    // Narrowing by a facet keeps the counts consistent.
    const option = page.locator('.facet-group').filter({ has: page.getByRole('heading', { name: '体裁' }) }).getByRole('link').first();
    const label = (await option.textContent()).trim();
    const count = Number(/（(\d+)）/.exec(label)[1]);
    await Promise.all([page.waitForNavigation(), option.click()]);
    await page.getByText(new RegExp(`共 ${count} 条`)).first().waitFor();

    // Search from the header box.
    await h.visit(page, '/');
    await page.getByRole('search').getByLabel('搜索关键词').fill('教育');
    await Promise.all([page.waitForNavigation(), page.getByRole('search').getByRole('button', { name: '搜索' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/search');
    const hits = page.locator('main .hits .hit h3 a');
    assert.ok((await hits.count()) > 0, 'searching 教育 found nothing');
    await page.getByText(/找到约? \d+ 条结果/).waitFor();
    await h.screenshot(page, 'search');
    // A hit leads to its item page (possibly through a redirect that counts the click).
    const hitTitle = (await hits.first().textContent()).trim();
    await Promise.all([page.waitForNavigation(), hits.first().click()]);
    assert.match(new URL(page.url()).pathname, /^\/items\/\d+$/, `the first hit led to ${page.url()}`);
    await page.getByRole('heading', { level: 1, name: hitTitle }).waitFor();

    await h.visit(page, '/guide');
    await h.screenshot(page, 'guide');

    await h.visit(page, '/report-error');
    await page.getByRole('heading', { level: 1, name: '我为政府网站找错' }).waitFor();
    await h.screenshot(page, 'report-error');
    // Rejected input is kept, and the error is shown in the summary and next to its field.
    await page.getByLabel('出错页面地址').fill('/s/jyj/');
    await page.getByLabel('错误类型').selectOption({ index: 1 });
    await page.getByLabel('问题描述').fill('错');
    const [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交' }).click()]);
    assert.equal(resp.status(), 422, 'a rejected report should answer 422');
    await page.locator('.error-summary').getByRole('link').first().waitFor();
    assert.equal(await page.getByLabel('出错页面地址').inputValue(), '/s/jyj/', 'the rejected form lost what was typed');
    assert.equal(await page.getByLabel('问题描述').getAttribute('aria-invalid'), 'true');
    await h.screenshot(page, 'report-error-rejected');

    // A page that does not exist answers 404 in the site's style, with a way back.
    await h.visit(page, '/no-such-page', 404);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByRole('link', { name: /首页|返回/ }).first().waitFor();
    await h.screenshot(page, 'error-404');
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
});

test('large-text mode survives navigation', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    await h.visit(page, '/');
    const normalSize = await page.locator('main').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.equal(await page.locator('body').getAttribute('class'), null);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '大字版' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/', 'the toggle did not return to the page it was clicked on');
    assert.match(await page.locator('body').getAttribute('class'), /\blarge-text\b/);
    const largeSize = await page.locator('main').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(largeSize >= normalSize * 1.2, `large-text mode sets ${largeSize}px against ${normalSize}px`);
    await page.getByRole('link', { name: '标准版' }).waitFor();
    await h.screenshot(page, 'home-large-text');

    // Navigate by links: sub-site, then an item.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '示范市教育局', exact: true }).first().click()]);
    assert.match(await page.locator('body').getAttribute('class'), /\blarge-text\b/, 'large-text mode was lost on the sub-site');
    await Promise.all([page.waitForNavigation(), page.locator('main a[href^="/items/"]').first().click()]);
    assert.match(await page.locator('body').getAttribute('class'), /\blarge-text\b/, 'large-text mode was lost on the item page');
    await h.screenshot(page, 'item-large-text');
    await h.assertAxeClean(page, 'item-large-text');

    // A new visit in the same browser (the cookie persists).
    await h.visit(page, '/catalogue');
    assert.match(await page.locator('body').getAttribute('class'), /\blarge-text\b/, 'large-text mode was lost on a new visit');

    // And it switches back.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '标准版' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/catalogue');
    assert.equal(await page.locator('body').getAttribute('class'), null);
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
});

// The back office and the error pages honour the large-text cookie too.
test('large-text mode also holds in the back office and on error pages', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    await h.visit(page, '/admin/login');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '大字版' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    assert.match(await page.locator('body').getAttribute('class'), /\blarge-text\b/, 'the sign-in page ignores large-text mode');
    await h.signIn(page, 'jyj-editor');
    assert.match(await page.locator('body').getAttribute('class'), /\blarge-text\b/, 'the dashboard ignores large-text mode');
    await h.visit(page, '/no-such-page', 404);
    assert.match((await page.locator('body').getAttribute('class')) || '', /\blarge-text\b/, 'the 404 page ignores large-text mode');
  } finally {
    await context.close();
  }
});

test('keyboard: the skip link comes first, shows when focused and leads to the main content', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    for (const p of ['/', '/s/jyj/c/zcwj/', '/admin/login']) {
      await h.visit(page, p);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => ({ text: document.activeElement.textContent.trim(), href: document.activeElement.getAttribute('href') }));
      assert.deepEqual(focused, { text: '跳到主要内容', href: '#main' }, `the first Tab stop on ${p}`);
      const box = await page.locator('.skip-link').boundingBox();
      assert.ok(box && box.width > 10 && box.height > 10 && box.y >= 0 && box.x >= 0, `the focused skip link is not visible on ${p}: ${JSON.stringify(box)}`);
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main', `Enter on the skip link did not move focus to <main> on ${p}`);
    }
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
});

test('phone-sized screen: no sideways scrolling', async () => {
  const { context, page } = await h.newPage(browser, { viewport: { width: 375, height: 740 }, context: { isMobile: true, hasTouch: true } });
  try {
    for (const [p, name] of [['/', 'home'], ['/s/jyj/c/zcwj/', 'column'], ['/catalogue', 'catalogue']]) {
      await h.visit(page, p);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${p} scrolls sideways by ${overflow}px on a 375px-wide screen`);
      await h.screenshot(page, `phone-${name}`);
    }
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
});



async function brokenLinks(context, hrefs) {
  const broken = [];
  for (const href of hrefs) {
    const resp = await context.request.get(h.url(href), { maxRedirects: 5 });
    if (resp.status() >= 400) broken.push(`${href} → ${resp.status()}`);
  }
  return broken;
}

async function homeLinks(context, page) {
  await h.visit(page, '/');
  const hrefs = await page.locator('a[href]').evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute('href')))]);
  return hrefs.filter((href) => href.startsWith('/') && !href.startsWith('//'));
}

test('every link on the portal home leads somewhere', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    const hrefs = (await homeLinks(context, page));
    assert.ok(hrefs.length > 50, `only ${hrefs.length} links on the portal home`);
    const broken = await brokenLinks(context, hrefs);
    assert.deepEqual(broken, [], `links on the portal home that fail:\n${broken.join('\n')}`);
  } finally {
    await context.close();
  }
});

