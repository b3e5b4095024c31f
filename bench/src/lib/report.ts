/** Markdown report: a verdict table of ratios, then one table per scenario. */
import type { ScenarioResult } from '../scenarios/common.js';
import { TRAITS, type ServerKind } from '../servers/index.js';
import { fmt } from './util.js';
import { median, pairedRatio, summary } from './stats.js';

export interface RunMeta {
  tier: string;
  startedAt: string;
  seconds: number;
  node: string;
  cpus: string;
  commit: string;
  pinned: boolean;
  reps: number;
  servers: ServerKind[];
  command: string;
}

/** A target a metric is judged against. */
interface Target {
  /** Shown in the table. */
  text: string;
  /** Judges Tandem's median value and its ratios to each server. */
  judge(
    tandem: number,
    ratios: Partial<Record<ServerKind, number>>,
    values: Partial<Record<ServerKind, number>>,
  ): boolean | null;
}

const PEERS: ServerKind[] = ['y-websocket', 'hocuspocus', 'y-socket.io'];

function everyPeer(ratios: Partial<Record<ServerKind, number>>, ok: (r: number) => boolean): boolean | null {
  const rs = PEERS.map((p) => ratios[p]).filter((r): r is number => r !== undefined && Number.isFinite(r));
  return rs.length ? rs.every(ok) : null;
}

function targetFor(scenario: ScenarioResult, key: string): Target | null {
  const id = scenario.id;
  if (id.startsWith('latency-') && key === 'p50')
    return {
      text: '≤ every peer; ≤ floor + 0.3 ms',
      judge: (t, r, v) => {
        const peers = everyPeer(r, (x) => x <= 1);
        const floor = v.relay;
        const nearFloor = floor === undefined ? null : t <= floor + 0.3;
        if (peers === null && nearFloor === null) return null;
        return (peers ?? true) && (nearFloor ?? true);
      },
    };
  if (id === 'latency-2' && key === 'srvCpuPerKey')
    return {
      text: '≤ 1.2× y-websocket',
      judge: (_t, r) => (r['y-websocket'] === undefined ? null : r['y-websocket'] <= 1.2),
    };
  if (id.startsWith('latency-') && key === 'p99')
    return { text: '≤ every peer', judge: (_t, r) => everyPeer(r, (x) => x <= 1) };
  if (id.startsWith('throughput-') && key === 'deliveriesPerSec')
    return {
      text: '≥ 1.0× y-websocket, ≥ 2× y-socket.io',
      judge: (_t, r) => {
        const a = r['y-websocket'];
        const b = r['y-socket.io'];
        if (a === undefined && b === undefined) return null;
        return (a === undefined || a >= 1) && (b === undefined || b >= 2);
      },
    };
  if (id === 'ack' && key === 'p99') return { text: '≤ 5 ms', judge: (t) => t <= 5 };
  if ((id === 'browser-typing' || id === 'browser-typing-crowd') && key === 'p95')
    return { text: '≤ 16 ms', judge: (t) => t <= 16 };
  if (id === 'browser-typing-big' && key === 'p95') return { text: '≤ 33 ms', judge: (t) => t <= 33 };
  if (id === 'connections' && key === 'kbPerConn') return { text: '≤ 12 KB', judge: (t) => t <= 12 };
  if (id === 'history' && key === 'diffMs') return { text: '≤ 1000 ms', judge: (t) => t <= 1000 };
  if (id === 'history-traffic' && key === 'busyP99') return { text: '≤ 20 ms', judge: (t) => t <= 20 };
  if (id.startsWith('coldload-traffic') && key === 'loadedP99') return { text: '≤ 20 ms', judge: (t) => t <= 20 };
  if (id.startsWith('coldload-') && key === 'ratio') return { text: '≤ 1.2×', judge: (t) => t <= 1.2 };
  if (id.startsWith('warmjoin-') && key === 'synced')
    return { text: '≤ every peer', judge: (_t, r) => everyPeer(r, (x) => x <= 1) };
  return null;
}

function tandemKind(scenario: ScenarioResult): ServerKind | null {
  return scenario.servers.includes('tandem')
    ? 'tandem'
    : (scenario.servers.find((s) => s.startsWith('tandem')) ?? null);
}

function values(scenario: ScenarioResult, kind: ServerKind, key: string): number[] {
  return (scenario.reps[kind] ?? []).map((r) => r[key] ?? Number.NaN);
}

function cell(xs: number[], digits = 2): string {
  const s = summary(xs);
  if (!Number.isFinite(s.median)) return '–';
  if (xs.length < 2 || s.min === s.max) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} <sub>${fmt(s.min, digits)}–${fmt(s.max, digits)}</sub>`;
}

/** A ratio cell: "0.83×" with the range of the paired ratios. */
function ratioCell(a: number[], b: number[]): { text: string; value: number } {
  const r = pairedRatio(a, b);
  if (!Number.isFinite(r.median)) return { text: '–', value: Number.NaN };
  const range = r.values.length > 1 ? ` <sub>${r.min.toFixed(2)}–${r.max.toFixed(2)}</sub>` : '';
  return { text: `${r.median.toFixed(2)}×${range}`, value: r.median };
}

export interface VerdictRow {
  scenario: string;
  metric: string;
  better: 'lower' | 'higher';
  tandem: number;
  target: string | null;
  pass: boolean | null;
  ratios: Partial<Record<ServerKind, number>>;
}

/** Computes the verdict rows (also stored in the JSON). */
export function verdicts(scenarios: ScenarioResult[]): VerdictRow[] {
  const rows: VerdictRow[] = [];
  for (const scenario of scenarios) {
    const tk = tandemKind(scenario);
    if (!tk) continue;
    for (const metric of scenario.metrics.filter((m) => m.verdict)) {
      const t = values(scenario, tk, metric.key);
      const ratios: Partial<Record<ServerKind, number>> = {};
      const medians: Partial<Record<ServerKind, number>> = {};
      for (const kind of scenario.servers) {
        medians[kind] = median(values(scenario, kind, metric.key));
        if (kind === tk) continue;
        ratios[kind] = pairedRatio(t, values(scenario, kind, metric.key)).median;
      }
      const target = targetFor(scenario, metric.key);
      const tm = median(t);
      rows.push({
        scenario: scenario.title,
        metric: `${metric.label}${metric.unit && metric.unit !== '×' ? ` (${metric.unit})` : ''}`,
        better: metric.better,
        tandem: tm,
        target: target?.text ?? null,
        pass: target ? target.judge(tm, ratios, medians) : null,
        ratios,
      });
    }
  }
  return rows;
}

/** One Markdown table row; with no peer columns it still has exactly as many cells as the header. */
const tableRow = (cells: string[]): string => `| ${cells.join(' | ')} |`;

const mark = (pass: boolean | null): string => (pass === null ? '' : pass ? ' ✅' : ' ❌');

export function markdown(meta: RunMeta, scenarios: ScenarioResult[], chartFile: string | null): string {
  const out: string[] = [];
  out.push(`# Tandem benchmark — ${meta.tier} tier`);
  out.push('');
  out.push(
    `${meta.startedAt} · ${meta.seconds.toFixed(0)} s · Node ${meta.node} · ${meta.cpus} · commit ${meta.commit} · ` +
      `${meta.pinned ? 'servers on CPU 0, load generator on CPU 1 (taskset)' : 'not pinned'} · ${meta.reps} alternating repetitions · \`${meta.command}\``,
  );
  out.push('');
  const others = [...new Set(scenarios.flatMap((s) => s.servers))].filter((k) => !k.startsWith('tandem'));
  const tandemDiag = (['tandem-shm', 'tandem-before'] as ServerKind[]).filter((k) =>
    scenarios.some((s) => s.servers.includes(k)),
  );
  out.push('## Verdict');
  out.push('');
  out.push(
    'Ratios are **Tandem ÷ server**, the median over paired repetitions (repetition *i* of both ran side by side), ' +
      'with their range. For times and memory below 1 means Tandem is better; for throughput above 1 does.',
  );
  out.push('');
  const cols = [...others, ...tandemDiag];
  out.push(tableRow(['scenario', 'metric', 'Tandem', 'target', ...cols.map((k) => `vs ${k}`)]));
  out.push(tableRow(['---', '---', '---', '---', ...cols.map(() => '---')]));
  for (const scenario of scenarios) {
    const tk = tandemKind(scenario);
    if (!tk) continue;
    for (const metric of scenario.metrics.filter((m) => m.verdict)) {
      const t = values(scenario, tk, metric.key);
      const ratios: Partial<Record<ServerKind, number>> = {};
      const medians: Partial<Record<ServerKind, number>> = {};
      const cells = cols.map((kind) => {
        if (!scenario.servers.includes(kind)) return '';
        medians[kind] = median(values(scenario, kind, metric.key));
        const r = ratioCell(t, values(scenario, kind, metric.key));
        ratios[kind] = r.value;
        const good = metric.better === 'lower' ? r.value <= 1 : r.value >= 1;
        return Number.isFinite(r.value) ? `${good ? '**' : ''}${r.text.replace('×', good ? '×**' : '×')}` : '–';
      });
      const target = targetFor(scenario, metric.key);
      const tm = median(t);
      const pass = target ? target.judge(tm, ratios, medians) : null;
      out.push(
        tableRow([
          scenario.title.replace(/^\S+ /, ''),
          `${metric.label}${metric.unit && metric.unit !== '×' ? ` (${metric.unit})` : ''}`,
          `${fmt(tm, metric.digits ?? 2)}${metric.unit === '×' ? '×' : ''}`,
          target ? target.text + mark(pass) : '',
          ...cells,
        ]),
      );
    }
  }
  const storage = scenarios.find((s) => s.id === 'storage');
  if (storage?.extra) {
    const per =
      (storage.extra.perTrace as {
        trace: string;
        edits: number;
        compactedStateBytes: number;
        matchesEndContent: boolean;
      }[]) ?? [];
    for (const t of per) {
      const b = t.compactedStateBytes / t.edits;
      out.push(
        tableRow([
          `Storage, ${t.trace}`,
          'compacted B/edit',
          fmt(b),
          `≤ 2 B/edit${mark(b <= 2)}; replay = endContent${mark(t.matchesEndContent)}`,
          ...cols.map(() => ''),
        ]),
      );
    }
  }
  out.push('');
  if (chartFile) out.push(`Latency percentiles per server: \`${chartFile}\``, '');

  for (const scenario of scenarios) {
    out.push(`## ${scenario.title}`);
    out.push('');
    out.push(scenario.description);
    out.push('');
    if (scenario.table) {
      out.push(`| ${scenario.table.headers.join(' | ')} |`);
      out.push(`|${scenario.table.headers.map(() => '---').join('|')}|`);
      for (const row of scenario.table.rows) out.push(`| ${row.join(' | ')} |`);
    } else {
      const shown = scenario.metrics.filter((m) => m.show);
      out.push(
        `| server | ${shown.map((m) => `${m.label}${m.unit && m.unit !== '×' ? ` (${m.unit})` : ''}`).join(' | ')} |`,
      );
      out.push(`|---|${shown.map(() => '---:').join('|')}|`);
      for (const kind of scenario.servers) {
        const cells = shown.map((m) => cell(values(scenario, kind, m.key), m.digits ?? 2));
        const gen = median(values(scenario, kind, 'genCpu'));
        const flag = gen > 0.9 ? ' ⚠️ generator-bound' : '';
        out.push(`| ${TRAITS[kind].label}${flag} | ${cells.join(' | ')} |`);
      }
    }
    const noisy = scenario.servers.some((k) => median(values(scenario, k, 'otherCpu')) > 0.25);
    if (noisy)
      out.push(
        '',
        '_Other work on the machine used more than a quarter of a core during some repetitions (column "other load"): expect noise._',
      );
    for (const n of scenario.notes) out.push('', `_${n}_`);
    out.push('');
  }
  out.push(
    'Cells: median <sub>min–max</sub> over the repetitions. "server CPU" and "generator CPU" are shares of one core during the ' +
      'measurement; a generator near 1.0 means the load generator, not the server, limited that row.',
  );
  return out.join('\n');
}
