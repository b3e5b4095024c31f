import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

const TABLE = `# Team

| Name | Role \\| area |
| :--- | :-: |
| Ada | **maths** |
| Grace | |
`;

describe('tables through the HTTP API', () => {
  it('imports a GFM table from Markdown and exports it as a pipe table and as an HTML table', async () => {
    ts = await startTestServer();
    const res = await fetch(`${ts.url}/api/docs/import`, { method: 'POST', body: TABLE });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const markdown = await (await fetch(`${ts.url}/api/docs/${id}/export?format=markdown`)).text();
    expect(markdown).toContain('| Name | Role \\| area |\n| --- | :---: |\n| Ada | **maths** |\n| Grace |  |');

    const html = await (await fetch(`${ts.url}/api/docs/${id}/export?format=html`)).text();
    expect(html).toContain(
      '<table><tbody><tr><th><p>Name</p></th><th><p data-align="center">Role | area</p></th></tr>',
    );
    expect(html).toContain('<td><p data-align="center"><strong>maths</strong></p></td>');
    expect(html).toMatch(/td,th\{border/);
  });
});
