// Arena charts: Elo and Bradley-Terry on their own axes, legend swatches drawn as the markers, and a real PNG.
import { describe, expect, it } from 'vitest';
import { leaderboardChart, renderBarPng, singleScoresChart } from '../../../src/eval/arena/report-png.js';
import type { PairLeaderboardRow } from '../../../src/eval/arena/ratings.js';

const row = (model: string, rating: number, elo: number): PairLeaderboardRow =>
  ({ rank: 1, model, rating, ci_lower: rating - 40, ci_upper: rating + 40, elo, wins: 1, ties: 0, losses: 1, battles: 2, win_rate: 0.5 }) as PairLeaderboardRow;

describe('arena leaderboard chart', () => {
  const rows = [row('large', 1830, 1022), row('medium', 1000, 1000), row('small', 170, 978)];
  const config = leaderboardChart('pairwise', rows);
  const datasets = config.data.datasets as Array<{ label: string; yAxisID: string; pointStyle: string }>;

  it('puts Bradley-Terry on the left axis and online Elo on its own right axis, neither forced to zero', () => {
    expect(datasets.map((d) => [d.label, d.yAxisID])).toEqual([
      ['Bradley-Terry 95% interval', 'y'],
      ['Bradley-Terry rating (left axis)', 'y'],
      ['online Elo (right axis)', 'y1'],
    ]);
    const scales = config.options!.scales as Record<string, { position: string; beginAtZero: boolean; title: { text: string } }>;
    expect(scales.y).toMatchObject({ position: 'left', beginAtZero: false, title: { text: 'Bradley-Terry rating' } });
    expect(scales.y1).toMatchObject({ position: 'right', beginAtZero: false, title: { text: 'online Elo' } });
  });

  it('draws legend swatches as the markers they name', async () => {
    expect((config.options!.plugins!.legend as { labels: { usePointStyle: boolean } }).labels.usePointStyle).toBe(true);
    expect(datasets.map((d) => d.pointStyle)).toEqual(['rect', 'circle', 'triangle']);
    const bars = singleScoresChart([{ model: 'a', mean: 5, stderr: 0.5 } as never]).data.datasets as Array<{ pointStyle: string }>;
    expect(bars.every((d) => d.pointStyle === 'rect')).toBe(true);
    const png = await renderBarPng('lb', 'leaderboard', config);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
