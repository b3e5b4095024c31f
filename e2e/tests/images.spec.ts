import { expect, refusedWith, SERVER_UNREACHABLE, test, type DocPage } from '../fixtures/index.js';

/**
 * Pastes an image the way a browser does when someone pastes a picture: a paste event whose
 * clipboard holds a PNG file (drawn on a canvas here, 240×120).
 */
async function pastePng(user: DocPage): Promise<void> {
  await user.editor.focus();
  await user.page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 240;
    canvas.height = 120;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#3b5bdb';
    g.fillRect(0, 0, 240, 120);
    g.fillStyle = '#ffd43b';
    g.beginPath();
    g.arc(60, 60, 40, 0, Math.PI * 2);
    g.fill();
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], 'sun.png', { type: 'image/png' }));
    const editor = document.querySelector('[data-testid="editor"]')!;
    editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

function shownImage(user: DocPage) {
  return user.page.locator('figure.image-block[data-state="loaded"] img');
}

test.describe('images', () => {
  // The browser logs every refused request itself: the 415 of the refused file is expected.
  test.use({
    isolatedServer: true,
    allowedConsoleErrors: [new RegExp(`${SERVER_UNREACHABLE.source}|${refusedWith(415).source}`)],
  });
  test.describe.configure({ timeout: 90_000 });

  test('a pasted image shows for everyone, keeps its alt text and width, and survives a reload and a restart', async ({
    alice,
    bob,
    server,
    request,
    docId,
  }) => {
    await alice.open(docId);
    await bob.open(docId);
    await alice.typeText('Look at this:');
    await pastePng(alice);
    await expect(shownImage(alice)).toBeVisible();
    await expect(shownImage(bob)).toBeVisible();
    // Shown from an object URL: the document and the img hold no address with a token.
    await expect(shownImage(bob)).toHaveAttribute('src', /^blob:/);

    await alice.page.getByRole('textbox', { name: 'Alt text' }).fill('A yellow sun on blue');
    await alice.page.getByRole('textbox', { name: 'Alt text' }).press('Enter');
    const handle = alice.page.getByRole('slider', { name: 'Image width in pixels' });
    await handle.focus();
    await handle.press('ArrowLeft');
    await handle.press('Shift+ArrowLeft');
    await expect(shownImage(bob)).toHaveAttribute('alt', 'A yellow sun on blue');
    await expect.poll(() => shownImage(bob).evaluate((img) => (img as HTMLImageElement).style.width)).toBe('120px');
    await alice.waitSaved();

    await alice.reload();
    await expect(shownImage(alice)).toBeVisible();
    await expect(shownImage(alice)).toHaveAttribute('alt', 'A yellow sun on blue');

    const html = await (await request.get(`${server.url}/api/docs/${docId}/export?format=html`)).text();
    const img = /<img data-image="[0-9a-f]{64}"[^>]*>/.exec(html)?.[0] ?? '';
    expect(img).toContain('alt="A yellow sun on blue"');
    expect(img).toContain('width="120"');
    expect(img).toMatch(/ src="data:image\/png;base64,iVBORw0KGgo[^"]+"/);

    // The Word file carries the picture itself (zip entry names are stored uncompressed, so the name shows).
    const docx = await (await request.get(`${server.url}/api/docs/${docId}/export?format=docx`)).body();
    expect(docx.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(docx.includes('word/media/')).toBe(true);

    await server.kill('SIGKILL');
    await server.restart();
    await bob.reload();
    await expect(shownImage(bob)).toBeVisible();
    await expect(shownImage(bob)).toHaveAttribute('alt', 'A yellow sun on blue');
  });

  test('an image copied from one document and pasted into another is copied there and shows for everyone', async ({
    alice,
    bob,
    server,
    request,
    docId,
  }) => {
    const otherId = `${docId}-copy`;
    await alice.open(docId);
    await alice.typeText('Original:');
    await pastePng(alice);
    await expect(shownImage(alice)).toBeVisible();
    const imageId = await alice.page.locator('figure.image-block').getAttribute('data-image');
    expect(imageId).toMatch(/^[0-9a-f]{64}$/);

    // What Ctrl+C puts on the clipboard, read from the copy event itself.
    await alice.editor.press('ControlOrMeta+a');
    const html = await alice.page.evaluate(() => {
      const data = new DataTransfer();
      document
        .querySelector('[data-testid="editor"]')!
        .dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true }));
      return data.getData('text/html');
    });
    expect(html).toContain(`data-image-doc="${docId}"`);

    // Images are stored per document: before the paste, the other one does not have it.
    expect((await request.get(`${server.url}/api/docs/${otherId}/images/${imageId}`)).status()).toBe(404);
    await alice.open(otherId);
    await bob.open(otherId);
    await alice.editor.focus();
    await alice.page.evaluate((pasted) => {
      const data = new DataTransfer();
      data.setData('text/html', pasted);
      document
        .querySelector('[data-testid="editor"]')!
        .dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, html);
    await expect(alice.editor).toContainText('Original:');
    await expect(shownImage(alice)).toBeVisible();
    await expect(shownImage(bob)).toBeVisible();
    await expect(alice.page.locator('figure.image-block')).toHaveAttribute('data-image', imageId!);
    const copy = await request.get(`${server.url}/api/docs/${otherId}/images/${imageId}`);
    expect(copy.status()).toBe(200);
    expect(copy.headers()['content-type']).toBe('image/png');
  });

  test('a file that is not an image is refused in words, and nothing is inserted', async ({ alice, docId }) => {
    await alice.open(docId);
    await alice.typeText('Text');
    await alice.page.getByTestId('image-file').setInputFiles({
      name: 'page.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    await expect(alice.page.getByTestId('image-upload')).toContainText(
      'Only PNG, JPEG, GIF and WebP images can be added.',
    );
    await expect(alice.page.locator('figure.image-block')).toHaveCount(0);
  });
});
