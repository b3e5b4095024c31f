import { parseArgs } from 'node:util';
import { isValidDocId } from '@tandem/crdt-bridge/protocol';
import { ConfigError, loadConfig } from '../config.js';
import { isRole } from '../auth/roles.js';
import { parseTtl } from '../auth/tokens.js';
import { AccessTokens } from '../auth/AccessTokens.js';
import { linkPath } from '../http/linkRoutes.js';
import { createLogger } from '../logger.js';
import { openConfiguredStore } from '../storage/openStore.js';

const USAGE = `usage: npm run token -- --doc <id|prefix-*|*> --role viewer|commenter|editor|owner --name "Ana" [--ttl 7d] [--id ana]

Creates a share link (listed in the document's Share dialog, where its owners can revoke it) and
prints its token and address: opening the address stores the token in the browser and opens the document.
Needs TANDEM_AUTH_SECRET and the storage settings the server runs with (DATA_DIR or DATABASE_URL);
PUBLIC_URL sets the link's address.`;

/** `npm run token`: creates a share link in the server's storage and prints its token and address (token mode). */
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
  const store = await openConfiguredStore(config, createLogger('warn'));
  try {
    const tokens = new AccessTokens(config.authSecret, store.links);
    const expiresAt = Date.now() + seconds * 1000;
    const { link, token } = await tokens.createLink({
      scope: doc,
      role,
      name: name.trim(),
      userId,
      createdBy: '',
      expiresAt,
    });
    // The token rides in the fragment, which browsers never send to the server or put in logs.
    const address = `${config.publicUrl}${linkPath(token, doc)}`;
    const until = new Date(expiresAt).toISOString();
    console.log(
      `Token for ${name.trim()} (${role} on ${doc}), valid until ${until} (link ${link.id}):\n\n${token}\n\nShare link:\n\n${address}\n`,
    );
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  console.error(`tandem token: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
  process.exit(1);
});
