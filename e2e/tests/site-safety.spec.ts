import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, refusedWith, test } from '../fixtures/index.js';

/** Records every Content-Security-Policy violation the page reports, from its first script on. */
async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}`),
    );
  });
}

function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

/** A second web site: serves one page, on another origin than Tandem's. */
async function startOtherSite(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // "localhost" rather than 127.0.0.1: another host name, so another *site*, not only another origin.
    url: `http://localhost:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The requests a hostile page can send to any server without asking (no-cors fetches and a
 * form; a DELETE or a JSON body would need a CORS preflight, which Tandem never grants).
 */
function attackPage(target: string, docId: string, versionId: number, plantedId: string): string {
  return `<!doctype html><title>Cute cats</title>
<form id="plant" method="POST" action="${target}/api/docs" enctype="text/plain">
  <input name='{"id":"${plantedId}-form","x":"' value='"}'>
</form>
<script>
  (async () => {
    const simple = { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' } };
    await fetch('${target}/api/docs/${docId}/versions/${versionId}/restore', { ...simple, body: '{}' });
    await fetch('${target}/api/docs', { ...simple, body: JSON.stringify({ id: '${plantedId}' }) });
    // Last, as it leaves the page: the classic cross-site form post.
    document.getElementById('plant').submit();
  })();
</script>`;
}

interface VersionList {
  versions: { id: number; kind: string }[];
}

test.describe('safe against other sites', () => {
  // The hostile page's requests are refused (403): the refusal is what these tests prove. Its
  // form post leaves the visitor on the refusal, where Chromium asks for /favicon.ico (404).
  // (One pattern: Playwright reads a two-item array as [value, fixture options].)
  test.use({ allowedConsoleErrors: [new RegExp(`${refusedWith(403).source}|status of 404 .*/favicon\\.ico:`)] });
  test('a page on another site cannot restore a version or create a document', async ({
    alice,
    server,
    docId,
    browser,
  }) => {
    await alice.open(docId);
    await alice.typeText('Original words.');
    await expect(alice.status).toHaveAttribute('data-save', 'saved');
    const named = await fetch(`${server.url}/api/docs/${docId}/versions`, {
      method: 'POST',
      body: JSON.stringify({ name: 'before' }),
    });
    expect(named.status).toBe(201);
    const versionId = ((await named.json()) as { id: number }).id;
    await alice.typeText(' Later words.');
    await expect(alice.status).toHaveAttribute('data-save', 'saved');

    const planted = `planted-${docId}`.slice(0, 50);
    const site = await startOtherSite(attackPage(server.url, docId, versionId, planted));
    try {
      // A visitor who has Tandem open elsewhere in the same browser opens the hostile page.
      const visitor = await browser.newPage();
      const formPost = visitor.waitForResponse(`${server.url}/api/docs`);
      await visitor.goto(site.url);
      expect((await formPost).status()).toBe(403);
      await visitor.close();
    } finally {
      await site.close();
    }

    const versions = (await (await fetch(`${server.url}/api/docs/${docId}/versions`)).json()) as VersionList;
    expect(versions.versions.map((v) => v.kind)).not.toContain('restore-point');
    for (const id of [planted, `${planted}-form`]) {
      expect((await fetch(`${server.url}/api/docs/${id}/versions`)).status, id).toBe(404);
    }
    await expect(alice.editor).toHaveText('Original words. Later words.');

    // The same restore from Tandem's own page goes through: the refusal above was about where it came from.
    const status = await alice.page.evaluate(
      async ([url]) => (await fetch(url!, { method: 'POST', body: '{}' })).status,
      [`/api/docs/${docId}/versions/${versionId}/restore`],
    );
    expect(status).toBe(200);
    await expect(alice.editor).toHaveText('Original words.');
    expect(server.logLines.some((l) => /request refused: This change came from another site/.test(l.msg))).toBe(true);
  });

  test('a page reached under a rebound domain name is refused', async ({ browser, server }, testInfo) => {
    // Chromium resolves the attacker's name to the server's address, as DNS rebinding would.
    const launchOptions = testInfo.project.use.launchOptions ?? {};
    const rebound = await browser.browserType().launch({
      ...launchOptions,
      args: [...(launchOptions.args ?? []), '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
    });
    try {
      const page = await rebound.newPage();
      const response = await page.goto(`http://rebind.test:${server.port}/`);
      expect(response?.status()).toBe(403);
      await expect(page.locator('body')).toContainText('does not answer to the name "rebind.test"');
      const api = await page.evaluate(async () => (await fetch('/api/docs')).status);
      expect(api).toBe(403);
    } finally {
      await rebound.close();
    }
  });
});

test.describe('Content-Security-Policy', () => {
  test.use({
    allowedConsoleErrors: [/^Executing inline script violates the following Content Security Policy directive/],
  });

  test('the editor works under it without a single violation, and it stops injected script', async ({
    alice,
    bob,
    docId,
  }) => {
    await recordViolations(alice.page);
    await recordViolations(bob.page);
    const response = await alice.page.goto(`/d/${docId}`);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    await alice.waitLoaded();
    await bob.open(docId);

    // Everything that styles or draws: formatting, a list, another person's caret and name, the history panel.
    await alice.typeText('A heading\n');
    await alice.editor.press('ControlOrMeta+Alt+Digit1');
    await alice.typeText('- a list item **bold**');
    await bob.typeText(' from Bob');
    await expect(alice.page.locator('.ProseMirror-yjs-cursor')).toHaveCount(1);
    await expect(bob.page.locator('.ProseMirror-yjs-cursor')).toHaveCount(1);
    await alice.editor.focus();
    await alice.page.keyboard.press('ControlOrMeta+Alt+Shift+KeyH');
    await expect(alice.page.getByTestId('history-panel')).toBeVisible();
    await expect(alice.page.getByTestId('history-current')).toBeVisible();
    expect(await violations(alice.page)).toEqual([]);
    expect(await violations(bob.page)).toEqual([]);
    await alice.page.goto('/');
    await expect(alice.page.getByTestId('doc-item').first()).toBeVisible();
    expect(await violations(alice.page)).toEqual([]);

    // And it is in force: script that found its way into the page does not run.
    const ran = await bob.page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    expect(await violations(bob.page)).toEqual(['script-src-elem blocked inline']);
  });
});
