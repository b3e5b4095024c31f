/**
 * A dependency-free SVG chart: one panel per latency scenario, latency (log scale) at each
 * percentile, one line per server.
 */
import type { ScenarioResult } from '../scenarios/common.js';
import { TRAITS, type ServerKind } from '../servers/index.js';
import { PERCENTILES, type PercentileKey } from './stats.js';

const COLORS: Record<ServerKind, string> = {
  tandem: '#d62728',
  'y-websocket': '#1f77b4',
  hocuspocus: '#2ca02c',
  'y-socket.io': '#9467bd',
  relay: '#7f7f7f',
  'tandem-shm': '#ff7f0e',
  'socketio-floor': '#8c564b',
  'tandem-before': '#e377c2',
};

const LABEL: Record<PercentileKey, string> = { p50: 'p50', p90: 'p90', p99: 'p99', p999: 'p99.9', max: 'max' };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function latencyChart(scenarios: ScenarioResult[], title: string): string | null {
  const panels = scenarios.filter((s) => s.pooled && Object.keys(s.pooled).length > 0);
  if (panels.length === 0) return null;
  const pw = 360;
  const ph = 280;
  const margin = { left: 56, right: 16, top: 46, bottom: 40 };
  const legendH = 24 + 18 * Math.ceil(6 / 3);
  const width = panels.length * (pw + margin.left + margin.right);
  const height = ph + margin.top + margin.bottom + legendH + 30;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const p of panels)
    for (const d of Object.values(p.pooled!))
      for (const k of PERCENTILES) {
        const v = d[k];
        if (Number.isFinite(v) && v > 0) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
  if (!Number.isFinite(lo)) return null;
  const minExp = Math.floor(Math.log10(lo));
  const maxExp = Math.ceil(Math.log10(hi));
  const y = (v: number): number =>
    margin.top + ph - ((Math.log10(Math.max(v, 10 ** minExp)) - minExp) / (maxExp - minExp || 1)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  );
  const kinds = new Set<ServerKind>();
  panels.forEach((panel, i) => {
    const x0 = i * (pw + margin.left + margin.right) + margin.left;
    const x = (j: number): number => x0 + (j / (PERCENTILES.length - 1)) * pw;
    parts.push(
      `<text x="${x0 + pw / 2}" y="${margin.top - 10}" text-anchor="middle" font-weight="bold">${esc(panel.title.replace(/^1\. /, ''))}</text>`,
    );
    parts.push(`<rect x="${x0}" y="${margin.top}" width="${pw}" height="${ph}" fill="none" stroke="#ccc"/>`);
    for (let e = minExp; e <= maxExp; e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v < 10 ** minExp || v > 10 ** maxExp) continue;
        const yy = y(v);
        parts.push(`<line x1="${x0}" x2="${x0 + pw}" y1="${yy}" y2="${yy}" stroke="${m === 1 ? '#ddd' : '#f0f0f0'}"/>`);
        if (m === 1 || maxExp - minExp <= 2)
          parts.push(
            `<text x="${x0 - 6}" y="${yy + 4}" text-anchor="end" fill="#555">${v >= 1 ? v : v.toPrecision(1)} ms</text>`,
          );
      }
    }
    PERCENTILES.forEach((k, j) => {
      parts.push(`<text x="${x(j)}" y="${margin.top + ph + 16}" text-anchor="middle" fill="#555">${LABEL[k]}</text>`);
    });
    for (const [kind, dist] of Object.entries(panel.pooled!) as [
      ServerKind,
      NonNullable<ScenarioResult['pooled']>[ServerKind],
    ][]) {
      if (!dist) continue;
      kinds.add(kind);
      const pts = PERCENTILES.map((k, j) => `${x(j).toFixed(1)},${y(dist[k]).toFixed(1)}`);
      const color = COLORS[kind];
      parts.push(
        `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="${kind === 'tandem' ? 3 : 1.8}"/>`,
      );
      PERCENTILES.forEach((k, j) => {
        parts.push(
          `<circle cx="${x(j).toFixed(1)}" cy="${y(dist[k]).toFixed(1)}" r="3" fill="${color}"><title>${esc(TRAITS[kind].label)} ${LABEL[k]}: ${dist[k].toFixed(3)} ms (n=${dist.n})</title></circle>`,
        );
      });
    }
  });
  const ly = margin.top + ph + margin.bottom + 8;
  [...kinds].forEach((kind, i) => {
    const lx = margin.left + (i % 3) * 300;
    const yy = ly + Math.floor(i / 3) * 18;
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${yy}" y2="${yy}" stroke="${COLORS[kind]}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 30}" y="${yy + 4}">${esc(TRAITS[kind].label)}</text>`);
  });
  parts.push(
    `<text x="${margin.left}" y="${height - 8}" fill="#777">Keystroke → remote Y.Doc applied; all repetitions pooled; log scale.</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
