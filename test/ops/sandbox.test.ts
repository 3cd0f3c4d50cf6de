import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { ROOT, tempDir } from '../support/config';
import { get, parseMetrics } from './scrape';

describe('the sandbox with HERALD_HTTP_PORT set', () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await startSandbox({ dir: tempDir('herald-sandbox-ops-'), port: 0, cwd: ROOT, env: { HERALD_LOG_LEVEL: 'silent', HERALD_HTTP_PORT: '0' } });
  });
  afterAll(async () => box?.close());

  it('serves /healthz, /readyz and /metrics like production, with its three emulated platforms connected', async () => {
    const url = box.ops.server!.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get(`${url}/healthz`)).status).toBe(200);
    const ready = await get(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ ready: true, role: 'single', platforms: { discord: { connected: true }, telegram: { connected: true }, x: { connected: true } } });
    const m = parseMetrics((await get(`${url}/metrics`)).body);
    for (const p of ['discord', 'telegram', 'x']) expect(m.get(`herald_platform_connected{platform="${p}"}`)).toBe(1);
    expect(m.get('herald_audit_head_sequence')).toBeGreaterThanOrEqual(0);
  });
});
