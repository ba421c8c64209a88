'use strict';
// An editor of 示范市教育局 drafts an item and submits it; an editor of another department is
// refused the draft; a reviewer approves and publishes it; it appears on the public site with a
// fresh 索引号 (ORGCODE/YYYY-NNNNN).

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

const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
// Pages show dates in China Standard Time (UTC+8).
const chinaToday = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const TITLE = `示范市教育局关于端到端测试的通知（${stamp}）`;
const DOC_NUMBER = `示教发〔${stamp.slice(0, 4)}〕${Number(stamp.slice(8, 12)) + 100}号`;
const COLUMN = '示范市教育局 › 通知公告';
const COLUMN_URL = '/s/jyj/c/tzgg/';

async function press(page, label) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: label, exact: true }).click()]);
  assert.ok(resp.status() < 400, `${label} answered ${resp.status()}`);
}

async function status(page) {
  return (await page.locator('.item-status .status').textContent()).trim();
}

test('draft → submit → refused elsewhere → approve → publish → public with a fresh 索引号', async () => {
  // 1. The editor signs in and drafts the item.
  const editor = await h.newPage(browser);
  let itemPath;
  try {
    const page = editor.page;
    await h.signIn(page, 'jyj-editor');
    await h.screenshot(page, 'admin-dashboard');
    await h.visit(page, '/admin/items/new');
    await page.getByRole('heading', { level: 1, name: '新建信息' }).waitFor();
    await h.screenshot(page, 'admin-item-editor');

    // Saving with nothing typed is refused with errors next to the fields.
    const [rejected] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '保存' }).click()]);
    assert.equal(rejected.status(), 422);
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.getByLabel(/^标题/).getAttribute('aria-invalid'), 'true');
    await h.screenshot(page, 'admin-item-editor-rejected');

    await page.getByLabel(/^标题/).fill(TITLE);
    await page.getByLabel(/^内容概述/).fill('端到端测试自动生成的通知。');
    await page.getByLabel(/^正文/).fill('<p>各区县教育局：</p><p>现将有关事项通知如下。</p><script>alert(1)</script>');
    assert.equal((await page.getByLabel(/^发布机构/).locator('option:checked').textContent()).trim(), '示范市教育局');
    assert.equal((await page.getByLabel(/^所属网站/).locator('option:checked').textContent()).trim(), '示范市教育局');
    await page.getByLabel(/^成文日期/).fill(chinaToday());
    await page.getByLabel(/^文号/).fill(DOC_NUMBER);
    await page.getByLabel(/^主题分类/).selectOption({ label: '科技、教育\\教育' });
    await page.getByLabel(/^体裁分类/).selectOption({ label: '通知公告' });
    await page.getByLabel(/^关键词/).fill('端到端 测试');
    await page.getByRole('group', { name: '所属栏目' }).getByLabel(COLUMN, { exact: true }).check();
    assert.ok(await page.getByRole('group', { name: '发布渠道' }).getByRole('checkbox').first().isChecked(), 'the website channel is not checked by default');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '保存' }).click()]);
    itemPath = new URL(page.url()).pathname;
    assert.match(itemPath, /^\/admin\/items\/\d+$/, `saving the draft went to ${page.url()}`);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    assert.equal(await status(page), '草稿');
    // Not yet published: no 索引号.
    assert.equal((await page.locator('td.index-number').textContent()).trim(), '（发布时生成）');
    // The script was stripped on save.
    assert.equal(await page.locator('.article-body script').count(), 0);

    await press(page, '提交审核');
    assert.equal(await status(page), '待审核');
    assert.equal(await page.getByRole('button', { name: '审核通过' }).count(), 0, 'an editor may not approve');
    await h.screenshot(page, 'admin-item-submitted');
    h.assertNoProblems(page);
  } finally {
    await editor.context.close();
  }
  const id = itemPath.split('/').pop();

  // 2. Not published yet: the public page does not show it.
  {
    const { context, page } = await h.newPage(browser);
    try {
      const resp = await page.goto(h.url(`/items/${id}`));
      assert.ok([403, 404].includes(resp.status()), `an unpublished item answered ${resp.status()} to the public`);
    } finally {
      await context.close();
    }
  }

  // 3. An editor of 示范市民政局 is refused the draft, its editor and its workflow.
  {
    const { context, page } = await h.newPage(browser);
    try {
      await h.signIn(page, 'mzj-editor');
      const resp = await page.goto(h.url(itemPath));
      assert.equal(resp.status(), 403, `mzj-editor opening ${itemPath} got ${resp.status()}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      assert.equal(await page.getByText(TITLE).count(), 0, 'the refusal page shows the draft');
      await h.screenshot(page, 'admin-refused');
      const edit = await page.goto(h.url(`${itemPath}/edit`));
      assert.equal(edit.status(), 403, `mzj-editor opening the editor got ${edit.status()}`);
      // A forged workflow POST (with the user's own valid CSRF token) is refused too.
      await page.goto(h.url('/admin'));
      const csrf = await page.locator('input[name="csrf"]').first().getAttribute('value');
      const forged = await context.request.post(h.url(`${itemPath}/workflow`), { form: { csrf, action: 'approve' }, maxRedirects: 0 });
      assert.equal(forged.status(), 403, `a forged approve by mzj-editor answered ${forged.status()}`);
      assert.equal(await page.getByText(TITLE).count(), 0, 'the draft is listed on another department’s dashboard');
    } finally {
      await context.close();
    }
  }

  // 4. The reviewer approves and publishes.
  let indexNumber;
  {
    const { context, page } = await h.newPage(browser);
    try {
      await h.signIn(page, 'jyj-reviewer');
      const waiting = page.locator('main').getByRole('link', { name: TITLE }).first();
      await waiting.waitFor();
      await Promise.all([page.waitForNavigation(), waiting.click()]);
      assert.equal(new URL(page.url()).pathname, itemPath);
      await press(page, '审核通过');
      assert.equal(await status(page), '已审核');
      await press(page, '立即发布');
      assert.equal(await status(page), '已发布');
      indexNumber = (await page.locator('td.index-number').textContent()).trim();
      await h.screenshot(page, 'admin-item-published');
      h.assertNoProblems(page);
    } finally {
      await context.close();
    }
  }
  // The year of the 索引号 is the year of publication (China's or UTC's date, around New Year).
  const years = [chinaToday().slice(0, 4), new Date().toISOString().slice(0, 4)];
  const m = /^([0-9A-Z]{9,18})\/(\d{4})-(\d{5})$/.exec(indexNumber);
  assert.ok(m, `索引号 ${indexNumber} is not ORGCODE/YYYY-NNNNN`);
  assert.ok(years.includes(m[2]), `索引号 ${indexNumber} is not of this year (${years.join(' or ')})`);

  // 5. The public sees it in its column and on its page, with that 索引号.
  {
    const { context, page } = await h.newPage(browser);
    try {
      await h.visit(page, COLUMN_URL);
      const row = page.locator('table.list-table tbody tr').filter({ hasText: TITLE });
      await row.waitFor();
      assert.equal((await row.locator('td.col-index').textContent()).trim(), indexNumber);
      assert.equal((await row.locator('td.col-docno').textContent()).trim(), DOC_NUMBER);
      // 索引号 serials are gap-free per organisation and year: this one is the newest in the column.
      const others = (await page.locator('table.list-table td.col-index').allTextContents())
        .map((s) => s.trim())
        .filter((s) => s.startsWith(indexNumber.slice(0, indexNumber.indexOf('/') + 6)) && s !== indexNumber);
      for (const other of others) {
        assert.ok(other < indexNumber, `the fresh 索引号 ${indexNumber} is not after ${other}`);
      }
      await Promise.all([page.waitForNavigation(), row.getByRole('link', { name: TITLE }).click()]);
      assert.equal(new URL(page.url()).pathname, `/items/${id}`);
      await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
      const meta = await page.locator('table.meta-table').evaluate((t) =>
        Object.fromEntries([...t.querySelectorAll('th[scope="row"]')].map((th) => [th.textContent.trim(), th.nextElementSibling.textContent.trim()])));
      assert.equal(meta['索引号'], indexNumber);
      assert.equal(meta['文号'], DOC_NUMBER);
      assert.equal(meta['发布机构'], '示范市教育局');
      assert.equal(meta['体裁'], '通知公告');
      assert.equal(meta['发布日期'], chinaToday());
      assert.equal(await page.locator('.article-body script').count(), 0);
      await page.locator('.article-body').getByText('现将有关事项通知如下。').waitFor();
      await h.screenshot(page, 'item-published');
      h.assertNoProblems(page);
    } finally {
      await context.close();
    }
  }
});
