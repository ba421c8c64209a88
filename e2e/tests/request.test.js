'use strict';
// 依申请公开 in the browser: an applicant fills the public request form, is refused for a missing
// field (the error by the field, everything typed kept), submits, is shown a tracking code and a
// password, and tracks the request with them; a wrong password gets the same answer as an unknown
// code.

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

const DESCRIPTION = '示范市 2024 年义务教育学校招生计划及各校划片范围（浏览器测试）';

test('the public request form: field error with input kept, submit, tracking code and password, tracking', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    await h.visit(page, '/request');
    await page.getByRole('heading', { level: 1, name: '政府信息公开申请' }).waitFor();
    await page.getByLabel('受理机关').selectOption({ label: '示范市教育局' });
    await page.getByLabel('申请人类型').selectOption('natural_person');
    await page.getByLabel('姓名或单位名称').fill('张三');
    await page.getByLabel('证件类型').selectOption('resident_id');
    await page.getByLabel('证件号码').fill('420106199001011231');
    await page.getByLabel('联系电话').fill('138 1234 5678');
    // 通信地址 left empty.
    await page.getByLabel('所需政府信息的名称、文号或内容描述').fill(DESCRIPTION);
    await page.getByLabel('信息的载体形式').selectOption('electronic');
    await page.getByLabel('获取信息的方式').selectOption('online');
    let [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交申请' }).click()]);
    assert.equal(resp.status(), 422, 'a request without an address should be refused with 422');
    const summary = page.locator('.error-summary');
    await summary.getByRole('link', { name: '必填' }).waitFor();
    assert.equal(await summary.getByRole('link', { name: '必填' }).getAttribute('href'), '#f-address');
    const address = page.getByLabel('通信地址');
    assert.equal(await address.getAttribute('aria-invalid'), 'true');
    // Everything typed is still there.
    assert.equal(await page.getByLabel('姓名或单位名称').inputValue(), '张三');
    assert.equal(await page.getByLabel('证件号码').inputValue(), '420106199001011231');
    assert.equal(await page.getByLabel('所需政府信息的名称、文号或内容描述').inputValue(), DESCRIPTION);
    assert.equal(await page.getByLabel('受理机关').locator('option:checked').textContent(), '示范市教育局');
    await h.screenshot(page, 'request-form-rejected');

    await address.fill('示范市中山路 1 号');
    [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交申请' }).click()]);
    assert.equal(resp.status(), 200);
    await page.getByRole('heading', { level: 1, name: '申请已提交' }).waitFor();
    const [code, password] = (await page.locator('.tracking-code').allTextContents()).map((s) => s.trim());
    assert.match(code, /^YS\d{8}[2-9A-HJ-NP-Z]{6}$/, `tracking code ${code}`);
    assert.match(password, /^[2-9A-HJ-NP-Z]{10}$/, `password ${password}`);
    await page.getByText('至示范市教育局').waitFor();
    await h.screenshot(page, 'request-done');

    // Tracking with the code and the password shows the request.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '查询办理进度和答复' }).click()]);
    await page.getByLabel('查询码').fill(code);
    await page.getByLabel('查询密码').fill(password);
    [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '查询' }).click()]);
    assert.equal(resp.status(), 200);
    await page.getByRole('heading', { level: 2, name: `申请 ${code}` }).waitFor();
    await page.getByText('已收到', { exact: true }).first().waitFor();
    await page.getByText(DESCRIPTION).waitFor();
    await page.getByText('示范市教育局').first().waitFor();
    await h.screenshot(page, 'request-tracked');

    // A wrong password: the same answer as an unknown code, nothing of the request shown.
    await page.getByLabel('查询码').fill(code);
    await page.getByLabel('查询密码').fill('WRONGPASS2');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '查询' }).click()]);
    await page.getByText('查询码或密码不正确，请核对后重试。').waitFor();
    assert.equal(await page.getByText(DESCRIPTION).count(), 0);
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
});
