import { parseArgs } from 'node:util';
import { isValidDocId } from '@tandem/crdt-bridge/protocol';
import { ConfigError, loadConfig } from '../config.js';
import { isRole } from '../auth/roles.js';
import { issueToken, parseTtl } from '../auth/tokens.js';

const USAGE = `usage: npm run token -- --doc <id|prefix-*|*> --role viewer|editor|owner --name "Ana" [--ttl 7d] [--id ana]

Prints an access token and a link that stores it in the browser and opens the document.
Needs TANDEM_AUTH_SECRET (the same one the server runs with); PUBLIC_URL sets the link's address.`;

/** `npm run token`: mints a signed access token and a share link (token mode). */
async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        doc: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        ttl: { type: 'string', default: '7d' },
        id: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`tandem token: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(64);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const { doc, role, name, ttl } = values;
  const docOk = doc === '*' || (doc !== undefined && isValidDocId(doc.endsWith('*') ? doc.slice(0, -1) : doc));
  if (!doc || !docOk || !isRole(role) || !name?.trim()) {
    console.error(`tandem token: --doc, --role and --name are required and must be valid.\n\n${USAGE}`);
    process.exit(64);
  }
  const config = loadConfig();
  if (!config.authSecret) {
    console.error('tandem token: set TANDEM_AUTH_SECRET to the secret the server runs with (at least 32 characters).');
    process.exit(78);
  }
  const seconds = parseTtl(ttl);
  const userId =
    values.id ??
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-');
  const token = await issueToken(config.authSecret, { id: userId, name: name.trim(), roles: { [doc]: role } }, seconds);
  const target = doc.includes('*') ? '' : doc;
  // The token rides in the fragment, which browsers never send to the server or put in logs.
  const link = `${config.publicUrl}/auth#token=${encodeURIComponent(token)}${target ? `&doc=${encodeURIComponent(target)}` : ''}`;
  const until = new Date(Date.now() + seconds * 1000).toISOString();
  console.log(
    `Token for ${name.trim()} (${role} on ${doc}), valid until ${until}:\n\n${token}\n\nShare link:\n\n${link}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(`tandem token: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
  process.exit(1);
});
