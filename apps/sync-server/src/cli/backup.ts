import path from 'node:path';
import { loadConfig } from '../config.js';
import { backupDatabase } from '../storage/backup.js';

/** `npm run backup -- <file>`: an online copy of the live database (see docs/operations.md). */
async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target || target.startsWith('-')) {
    console.error('usage: npm run backup -- <backup-file>');
    process.exit(64);
  }
  const { dataDir } = loadConfig();
  const destination = path.resolve(target);
  const result = await backupDatabase(path.join(dataDir, 'tandem.db'), destination);
  console.log(
    `tandem backup: ${result.documents} documents (${result.bytes} bytes) copied to ${destination} in ${result.ms} ms`,
  );
}

main().catch((err: unknown) => {
  console.error(`tandem backup: ${(err as Error).message}`);
  process.exit(1);
});
