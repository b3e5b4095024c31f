import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The server's shape, held where the next engineer will see it fail: small modules, short
 * functions, a composition root that builds in dependency order, and the shared
 * document's title named in one place (the bridge).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVER_SRC = path.join(ROOT, 'apps/sync-server/src');
const MAX_FILE_LINES = 350;
const MAX_FUNCTION_LINES = 80;

/** Source files under `dir` (tests excluded), recursively. */
function sources(dir: string, extensions = ['.ts']): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full, extensions);
    return extensions.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Functions longer than `max` lines in one file, as "file:line name (n lines)". */
function longFunctions(file: string, max: number): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = 'name' in node && node.name ? node.name.getText(source) : '(anonymous)';
      if (last - first + 1 > max)
        found.push(`${path.relative(ROOT, file)}:${first + 1} ${name} (${last - first + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the sync server’s code', () => {
  it(`has no source file over ${MAX_FILE_LINES} lines`, () => {
    const long = sources(SERVER_SRC)
      .map((file) => [path.relative(ROOT, file), fs.readFileSync(file, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(sources(SERVER_SRC).flatMap((file) => longFunctions(file, MAX_FUNCTION_LINES))).toEqual([]);
  });

  it('builds the server in dependency order, with nothing declared ahead to be filled in later', () => {
    const server = fs.readFileSync(path.join(SERVER_SRC, 'server.ts'), 'utf8');
    expect(server).toMatch(/createTandemServer/);
    expect(server.match(/^\s*let \w+\s*:\s*\w+;$/gm) ?? []).toEqual([]);
  });

  it('names the shared document’s meta map only in the bridge', () => {
    const outside = [
      ...sources(SERVER_SRC),
      ...sources(path.join(ROOT, 'apps/editor/src'), ['.ts', '.svelte']),
      ...sources(path.join(ROOT, 'bench/src')),
    ].filter((file) => /['"]meta['"]/.test(fs.readFileSync(file, 'utf8')));
    expect(outside.map((file) => path.relative(ROOT, file))).toEqual([]);
  });
});
