/**
 * Summarises V8 CPU profiles (.cpuprofile, from `node --cpu-prof`): self time by function
 * and by where the code lives (Tandem, socket.io, ws, yjs, SQLite, GC, …).
 *
 *   tsx src/tools/profile-summary.ts <dir-or-file> [top]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a function's code lives, for grouping. */
export function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'native / V8 (program)';
  if (!url) return name.startsWith('(') ? name : 'native';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const m = /apps\/([^/]+)\/|packages\/([^/]+)\//.exec(url);
  if (m) return `tandem:${m[1] ?? m[2]}`;
  return url;
}

function selfTimes(profile: Profile): Map<number, number> {
  const times = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i]!;
      times.set(id, (times.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0));
    }
  } else {
    const total = profile.endTime - profile.startTime;
    const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
    for (const n of profile.nodes) times.set(n.id, ((n.hitCount ?? 0) * total) / hits);
  }
  return times;
}

export function summariseProfiles(target: string, top = 30): string | null {
  if (!fs.existsSync(target)) return null;
  const files = fs.statSync(target).isDirectory()
    ? fs
        .readdirSync(target)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(target, f))
    : [target];
  if (files.length === 0) return null;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
    const times = selfTimes(profile);
    for (const node of profile.nodes) {
      const us = times.get(node.id) ?? 0;
      if (us === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const area = areaOf(url, functionName);
      if (area === 'idle') {
        idle += us;
        continue;
      }
      total += us;
      byArea.set(area, (byArea.get(area) ?? 0) + us);
      const short = url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} · ${short} · ${area}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    }
  }
  if (total === 0) return null;
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1)}%`;
  const lines: string[] = [];
  lines.push(
    `${files.length} profile(s); busy ${(total / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s. Self time, share of busy time.`,
    '',
    '| area | self | share |',
    '|---|---:|---:|',
  );
  for (const [area, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 20))
    lines.push(`| ${area} | ${(us / 1000).toFixed(0)} ms | ${pct(us)} |`);
  lines.push('', '| function · location · area | self | share |', '|---|---:|---:|');
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`| ${key.replace(/\|/g, '\\|')} | ${(us / 1000).toFixed(0)} ms | ${pct(us)} |`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: tsx src/tools/profile-summary.ts <dir-or-file> [top]');
    process.exit(2);
  }
  console.log(summariseProfiles(target, Number(process.argv[3] ?? 30)) ?? 'no profiles found');
}
