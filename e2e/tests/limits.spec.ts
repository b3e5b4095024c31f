import { expect, test } from '../fixtures/index.js';
import { TandemServer } from '../fixtures/TandemServer.js';

test.describe('over the documents-per-hour quota', () => {
  let server: TandemServer;
  test.beforeAll(async () => {
    server = await TandemServer.start({ DOCS_PER_HOUR: '1', DOCS_BURST: '1' });
  });
  test.afterAll(async () => server.stop());

  test('opening a new address says when another document can be created; existing ones still open', async ({
    browser,
  }) => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await page.goto('/d/first-one');
    await expect(page.getByTestId('editor')).toBeVisible();

    await page.goto('/d/second-one');
    const problem = page.getByTestId('doc-error');
    await expect(problem).toContainText(
      'You have created too many documents recently. You can create another in about an hour.',
    );
    await expect(problem).toContainText('You can try again when you are ready.');
    await expect(page.getByTestId('connection-status')).toHaveText('Not opened');
    await expect(page.getByTestId('retry')).toBeVisible();
    await expect(page.getByTestId('editor')).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath('quota-exceeded.png') });

    await page.goto('/d/first-one');
    await expect(page.getByTestId('editor')).toBeVisible();
    await context.close();
  });
});

test.describe('a server at its connection limit', () => {
  let server: TandemServer;
  test.beforeAll(async () => {
    server = await TandemServer.start({ MAX_CONNECTIONS: '1' });
  });
  test.afterAll(async () => server.stop());

  test('tells the next person it is busy, and lets them in by itself once there is room', async ({ browser }) => {
    const first = await browser.newContext({ baseURL: server.url });
    const firstPage = await first.newPage();
    await firstPage.goto('/d/crowded');
    await expect(firstPage.getByTestId('editor')).toBeVisible();

    const second = await browser.newContext({ baseURL: server.url });
    const secondPage = await second.newPage();
    await secondPage.goto('/d/crowded');
    await expect(secondPage.getByTestId('doc-error')).toContainText(
      'The server has as many connections as it can take right now. Tandem will try again shortly.',
    );
    await expect(secondPage.getByTestId('connection-status')).toContainText('Server busy');
    await secondPage.screenshot({ path: test.info().outputPath('server-busy.png') });

    await first.close();
    await expect(secondPage.getByTestId('editor')).toBeVisible({ timeout: 20_000 });
    await second.close();
  });
});
