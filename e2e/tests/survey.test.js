'use strict';
// A citizen answers the demo city's open survey (征集调查) in the browser: a missing required answer
// is refused next to its question, a complete answer is thanked, a second answer from the same
// browser is refused politely; the closed survey shows its results as charts with tables; the pages
// pass axe-core's WCAG 2.1 AA rules.

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

const OPEN = '示范市公交线网优化方案意见征集';
const CLOSED = '示范市政务公开工作满意度网上调查';

async function submit(page) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交答卷' }).click()]);
  return resp.status();
}

test('a citizen answers a survey once; closed surveys show charts beside tables', async () => {
  const { context, page } = await h.newPage(browser);
  try {
    await h.visit(page, '/surveys');
    await page.getByRole('heading', { level: 1, name: '征集调查' }).waitFor();
    await h.assertAxeClean(page, 'survey-list');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: OPEN }).click()]);
    await page.getByRole('heading', { level: 1, name: OPEN }).waitFor();
    await h.assertAxeClean(page, 'survey-form');

    // Only the optional question answered: the required one is flagged.
    await page.getByRole('group', { name: /您希望优先改善哪些方面/ }).getByLabel('发车间隔').check();
    assert.equal(await submit(page), 422);
    await page.locator('.error-summary').getByRole('link', { name: '此题为必答题，请选择' }).waitFor();
    const q1 = page.getByRole('group', { name: /您平时主要的出行方式是/ });
    assert.equal(await q1.getAttribute('aria-describedby'), 'f-q1-error');
    assert.ok(await page.getByRole('group', { name: /您希望优先改善哪些方面/ }).getByLabel('发车间隔').isChecked(), 'the choice is kept');
    await h.assertAxeClean(page, 'survey-form-rejected');

    // Complete: thanked.
    await q1.getByLabel('公交').check();
    await page.getByLabel(/其他意见和建议/).fill('希望增开夜班线路');
    assert.equal(await submit(page), 200);
    await page.getByText('提交成功，感谢您参与本次调查！').waitFor();
    await h.screenshot(page, 'survey-thanks');

    // The same browser again: refused politely.
    await h.visit(page, '/surveys');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: OPEN }).click()]);
    await page.getByRole('group', { name: /您平时主要的出行方式是/ }).getByLabel('地铁').check();
    assert.equal(await submit(page), 409);
    await page.getByText(/您已参与过本次调查/).waitFor();

    // The closed survey: no form, results with a chart and a table per choice question.
    await h.visit(page, '/surveys');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: CLOSED }).click()]);
    assert.equal(await page.getByRole('button', { name: '提交答卷' }).count(), 0);
    await page.getByText(/共收到有效答卷 \d+ 份/).waitFor();
    assert.equal(await page.locator('.survey-result svg').count(), 3);
    assert.equal(await page.getByRole('region', { name: /第 \d 题统计表/ }).count(), 3);
    await h.screenshot(page, 'survey-results');
    await h.assertAxeClean(page, 'survey-results');
    h.assertNoProblems(page);
  } finally {
    await context.close();
  }
});
