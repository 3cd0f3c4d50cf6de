import { describe, expect, it } from 'vitest';
import { promisePreview, promiseText, relativeText } from '../../../src/core/promises/format';

const at = (iso: string) => new Date(iso);
const NOW = at('2026-12-01T14:30:00Z');

describe('how a promise is shown', () => {
  it.each([
    // [promise, team zone, in posts, in the preview]
    ['2026-12-01T15:00:00Z', 'UTC', '15:00 UTC', 'by 15:00 UTC, in 30 min'],
    ['2026-12-01T16:35:00Z', 'UTC', '16:35 UTC', 'by 16:35 UTC, in 2 h 5 min'],
    ['2026-12-02T09:00:00Z', 'UTC', 'Wed 2 Dec, 09:00 UTC', 'by Wed 2 Dec, 09:00 UTC, in 18 h 30 min'],
    ['2026-12-04T17:30:00Z', 'UTC', 'Fri 4 Dec, 17:30 UTC', 'by Fri 4 Dec, 17:30 UTC, in 3 d 3 h'],
    // Posts speak UTC; the preview adds the team's clock, and its day only where that differs.
    ['2026-12-01T15:00:00Z', 'Europe/Berlin', '15:00 UTC', 'by 15:00 UTC (16:00 Europe/Berlin), in 30 min'],
    ['2026-12-01T23:30:00Z', 'Europe/Berlin', '23:30 UTC', 'by 23:30 UTC (Wed 2 Dec, 00:30 Europe/Berlin), in 9 h'],
    ['2026-12-02T09:00:00Z', 'Europe/Berlin', 'Wed 2 Dec, 09:00 UTC', 'by Wed 2 Dec, 09:00 UTC (10:00 Europe/Berlin), in 18 h 30 min'],
    ['2026-12-02T03:00:00Z', 'America/New_York', 'Wed 2 Dec, 03:00 UTC', 'by Wed 2 Dec, 03:00 UTC (Tue 1 Dec, 22:00 America/New_York), in 12 h 30 min'],
  ])('%s in %s: %j in posts, %j in the preview', (promise, zone, post, preview) => {
    expect(promiseText(at(promise), NOW)).toBe(post);
    expect(promisePreview(at(promise), NOW, zone)).toBe(preview);
  });

  it.each([
    ['2026-12-01T14:30:20Z', 'now'],
    ['2026-12-01T14:31:00Z', 'in 1 min'],
    ['2026-12-01T15:30:00Z', 'in 1 h'],
    ['2026-12-03T14:30:00Z', 'in 2 d'],
    ['2026-12-01T14:25:00Z', '5 min ago'],
    ['2026-12-01T12:00:00Z', '2 h 30 min ago'],
  ])('%s is %j from now', (promise, shown) => {
    expect(relativeText(at(promise), NOW)).toBe(shown);
  });
});
