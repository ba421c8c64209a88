'use strict';
// 领导信箱 in the browser: a citizen writes to the mayor through the public form, is refused for a
// missing subject (the error by the field, everything typed kept), submits, is shown a tracking
// code and a password, and tracks the letter with them (routed by rule to the responsible
// department); a wrong password gets the same answer as an unknown code; the pages pass axe-core's
// WCAG 2.1 AA rules.

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

const GAS = '城乡建设/城市建设和市政管理/燃气供应';
const SUBJECT = '小区燃气压力不足（浏览器测试）';
const BODY = '入冬以来我们小区的燃气压力一直不足，晚饭时间经常打不着火，请有关部门尽快检修。';

async function send(page, button) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button }).click()]);
  return resp.status();
}

test('writing to the mayor: field error with input kept, tracking code and password, tracking', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    await h.visit(page, '/mailbox/write');
    await page.getByRole('heading', { level: 1, name: '我要写信' }).waitFor();
    await h.assertAxeClean(page, 'mailbox-form');
    await page.getByLabel('写信给').selectOption({ label: '领导：市长' });
    await page.getByLabel('留言分类').selectOption(GAS);
    // 标题 left empty.
    await page.locator('#f-body').fill(BODY);
    await page.locator('#f-name').fill('李小四');
    await page.locator('#f-phone').fill('139 0000 1111');
    await page.getByLabel(/同意公开我的来信和答复/).check();
    assert.equal(await send(page, '提交来信'), 422, 'a letter without a subject is refused with 422');
    const summary = page.locator('.error-summary');
    await summary.getByRole('link', { name: '必填' }).waitFor();
    assert.equal(await summary.getByRole('link', { name: '必填' }).getAttribute('href'), '#f-subject');
    assert.equal(await page.getByLabel('标题').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#f-body').inputValue(), BODY);
    assert.equal(await page.locator('#f-name').inputValue(), '李小四');
    assert.equal(await page.getByLabel('留言分类').inputValue(), GAS);
    assert.ok(await page.getByLabel(/同意公开我的来信和答复/).isChecked(), 'the consent is kept');
    await h.assertAxeClean(page, 'mailbox-form-rejected');

    await page.getByLabel('标题').fill(SUBJECT);
    assert.equal(await send(page, '提交来信'), 200);
    await page.getByRole('heading', { level: 1, name: '信件已提交' }).waitFor();
    const [code, password] = (await page.locator('.tracking-code').allTextContents()).map((s) => s.trim());
    assert.match(code, /^XX\d{8}[2-9A-HJ-NP-Z]{6}$/, `tracking code ${code}`);
    assert.match(password, /^[2-9A-HJ-NP-Z]{10}$/, `password ${password}`);
    // Routed by the category's rule at once.
    await page.getByText(/由示范市住房和城乡建设局办理/).waitFor();
    await h.screenshot(page, 'mailbox-done');
    await h.assertAxeClean(page, 'mailbox-done');

    // Tracking with the code and the password shows the letter.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '查询办理情况和答复' }).click()]);
    await page.getByLabel('查询码').fill(code);
    await page.getByLabel('查询密码').fill(password);
    assert.equal(await send(page, '查询'), 200);
    await page.getByRole('heading', { level: 2, name: `信件 ${code}` }).waitFor();
    await page.getByText(SUBJECT).first().waitFor();
    await page.getByText(BODY).first().waitFor();
    await page.getByText('办理中', { exact: true }).first().waitFor();
    await h.screenshot(page, 'mailbox-tracked');
    await h.assertAxeClean(page, 'mailbox-tracked');

    // A wrong password: the same answer as an unknown code, nothing of the letter shown.
    await page.getByLabel('查询码').fill(code);
    await page.getByLabel('查询密码').fill('WRONGPASS2');
    await send(page, '查询');
    await page.getByText('查询码或密码不正确，请核对后重试。').waitFor();
    assert.equal(await page.getByText(BODY).count(), 0);
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
});
