import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { ROOT, tempDir } from '../support/config';

/** A raw request, so the test can send the Host and Origin headers a browser on another site would. */
function call(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the console server', () => {
  let busy: Server;
  let box: Sandbox;

  beforeAll(async () => {
    // Someone else holds the port the console was told to use.
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    box = await startSandbox({ dir: tempDir('herald-console-'), port: (busy.address() as AddressInfo).port, cwd: ROOT, env: { HERALD_LOG_LEVEL: 'silent' } });
  });

  afterAll(async () => {
    await box?.close();
    await new Promise((r) => busy.close(r));
  });

  it('takes any free port when its port is busy, on 127.0.0.1 only', () => {
    expect(box.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(new URL(box.url).port).not.toBe(String((busy.address() as AddressInfo).port));
  });

  it('serves the page with a strict content security policy', async () => {
    const res = await fetch(box.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<script type="module" src="/console.js"></script>');
  });

  it('refuses requests for another host name (DNS rebinding) and posts from other sites', async () => {
    const host = new URL(box.url).host;
    expect((await call(box.url, { path: '/api/state', headers: { host: 'evil.example:80' } })).status).toBe(421);
    const body = JSON.stringify({ platform: 'x', mode: 'down' });
    // A form on another site can post text/plain without asking; herald wants JSON.
    const form = await call(box.url, { method: 'POST', path: '/api/faults', headers: { host, 'content-type': 'text/plain' }, body });
    expect(form.status).toBe(403);
    const foreign = await call(box.url, { method: 'POST', path: '/api/faults', headers: { host, 'content-type': 'application/json', origin: 'https://evil.example' }, body });
    expect(foreign.status).toBe(403);
    expect(box.console.actions.faults.modes.x).toBe('normal');
    const own = await call(box.url, { method: 'POST', path: '/api/faults', headers: { host, 'content-type': 'application/json', origin: `http://${host}` }, body });
    expect(own.status).toBe(200);
    expect(box.console.actions.faults.modes.x).toBe('down');
    await call(box.url, { method: 'POST', path: '/api/faults', headers: { host, 'content-type': 'application/json' }, body: JSON.stringify({ platform: 'x', mode: 'normal' }) });
  });

  it('answers what a platform would not do with one sentence, and does nothing', async () => {
    const post = (path: string, body: unknown) => fetch(new URL(path, box.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const unknown = await post('/api/discord/command', { user: 'eve', text: '/help' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'There is no sandbox user "eve"; pick one of alice, bob, carol, dave, mallory.' });
    const missing = await post('/api/discord/command', { user: 'alice', text: '/draft' });
    expect(await missing.json()).toEqual({ error: 'Discord needs the template option before it sends /draft: /draft <template> [name=value ...]' });
    const noButton = await post('/api/discord/button', { user: 'bob', messageId: '1', customId: 'approve:1:1' });
    expect(noButton.status).toBe(400);
    expect(((await noButton.json()) as { error: string }).error).toMatch(/^message 1 is not in channel/);
    const badMode = await post('/api/faults', { platform: 'x', mode: 'on fire' });
    expect(badMode.status).toBe(400);
    expect(box.console.actions.state().drafts).toEqual([]);
  });
});
