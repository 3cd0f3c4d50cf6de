import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../support/config';
import { COMMANDS } from '../../../src/core/commands/definitions';
import { audited } from '../../support/audit';
import { CH, GUILD } from '../../support/cast';
import { DEGRADED_VARS, EXPLOIT_VARS } from '../../support/vars';
import { buttonIds, lastDraftId, press, previewHeaders, privateTexts, settle, slash, startDiscord, submit, texts, visible, type Setup } from './setup';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('Discord: draft → approve → broadcast', () => {
  it('registers herald\'s commands from its data, with the template option autocompleted and the FAQ menu', async () => {
    s = await startDiscord();
    const registered = s.emu.registeredCommands(GUILD) as Array<{ name: string; type: number; options?: Array<{ name: string; required?: boolean; autocomplete?: boolean }> }>;
    expect(registered.filter((c) => c.type === 1).map((c) => c.name).sort()).toEqual(Object.keys(COMMANDS).sort());
    expect(registered.find((c) => c.type === 3)?.name).toBe('Answer with FAQ');
    const draft = registered.find((c) => c.name === 'draft');
    expect(draft?.options).toEqual([
      expect.objectContaining({ name: 'template', required: true, autocomplete: true }),
      expect.objectContaining({ name: 'vars', required: false }),
    ]);
    expect(registered.find((c) => c.name === 'reject')?.options?.map((o) => o.name)).toEqual(['draft', 'reason']);
  });

  it('walks a sev1 statement through two approvers (slash command, then button) to every channel, editing the preview as it lands', async () => {
    s = await startDiscord();
    const draftCmd = await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: EXPLOIT_VARS });
    // Acknowledged at once, privately; the "thinking" placeholder goes once the preview is up.
    const acks = s.emu.interactionResponses(draftCmd);
    expect(acks[0]).toMatchObject({ kind: 'callback', type: 5, data: { flags: 64 } });
    expect(acks.at(-1)?.kind).toBe('deleteOriginal');

    const id = lastDraftId(s);
    const [header] = previewHeaders(s, id);
    expect(header?.content).toContain('sev1/exploit-investigating');
    expect(header?.content).toContain('Approvals: 0 of 2');
    expect(buttonIds(header)).toEqual([`approve:${id}:1`, `reject:${id}:1`]);
    const comms = texts(s, CH.comms);
    expect(comms.some((t) => t.includes('the USDC lending pool on Ethereum') && !t.startsWith('#'))).toBe(true);
    expect(comms.some((t) => t.startsWith('**X**'))).toBe(true);

    await slash(s, 'bob', 'approve', { draft: String(id) });
    expect(texts(s, CH.comms)).toContain(`bob approved #${id} (1 of 2); it needs 1 more.`);
    expect(previewHeaders(s, id)[0]?.content).toContain('Approvals: 1 of 2 (bob)');
    expect(visible(s, CH.news)).toEqual([]);

    await press(s, 'carol', `approve:${id}:1`, header!.id);
    await s.emu.waitFor(() => previewHeaders(s!, id)[0]?.content.includes('✅ discord-status'));
    await settle(s);
    expect(texts(s, CH.comms)).toContain(`carol approved #${id} (2 of 2). Broadcasting now.`);

    const [news] = visible(s, CH.news);
    expect(news?.content.startsWith('@everyone\n🚨')).toBe(true);
    expect(news).toMatchObject({ mention_everyone: true, allowed_mentions: { parse: ['everyone'] }, crossposted: true, pinned: true, nonce: expect.stringMatching(/^herald-\d+-0$/) });
    const [status] = visible(s, CH.status);
    expect(status).toMatchObject({ crossposted: false, pinned: true, content: news!.content });
    expect(s.telegram.sent).toHaveLength(1);
    expect(s.x.sent.length).toBeGreaterThan(0);

    const final = previewHeaders(s, id)[0]!;
    expect(final.id).toBe(header!.id);
    expect(final.content).toContain(`✅ discord-news (Discord) — https://discord.com/channels/${GUILD}/${CH.news}/${news!.id}`);
    expect(final.content).toContain(`✅ discord-status (Discord) — https://discord.com/channels/${GUILD}/${CH.status}/${status!.id}`);
    expect(final.content).toContain('✅ telegram-main (Telegram)');
    expect(buttonIds(final)).toEqual([]);

    expect(audited(s.herald.core.db, 'command.received').map((e) => e.data.raw)).toEqual([
      `/draft template:sev1/exploit-investigating vars:${EXPLOIT_VARS}`,
      `/approve draft:${id}`,
      `[approve button #${id} r1]`,
    ]);
    expect(audited(s.herald.core.db, 'message.sent').some((e) => e.data.kind === 'preview-update')).toBe(true);
  });

  it('asks for the reason when Reject is pressed, and closes the draft with it', async () => {
    s = await startDiscord();
    await slash(s, 'alice', 'draft', { template: 'sev2/degraded-service', vars: DEGRADED_VARS });
    const id = lastDraftId(s);
    const header = previewHeaders(s, id)[0]!;
    const pressed = await press(s, 'bob', `reject:${id}:1`, header.id);
    expect(s.emu.interactionResponses(pressed)[0]).toMatchObject({ kind: 'callback', type: 9, data: { custom_id: `rejectwhy:${id}:1`, title: `Reject #${id}` } });
    await submit(s, 'bob', `rejectwhy:${id}:1`, { reason: 'wrong product named' });
    expect(texts(s, CH.comms)).toContain(`bob rejected #${id}: wrong product named`);
    const after = previewHeaders(s, id)[0]!;
    expect(after.content).toContain('rejected (wrong product named)');
    expect(buttonIds(after)).toEqual([]);
  });

  it('moves the buttons to the newest preview after an edit, and marks the older one out of date', async () => {
    s = await startDiscord();
    await slash(s, 'alice', 'draft', { template: 'sev2/degraded-service', vars: DEGRADED_VARS });
    const id = lastDraftId(s);
    await slash(s, 'alice', 'edit', { draft: String(id), vars: 'impact="Pages load slowly and some swaps fail."' });
    expect(texts(s, CH.comms)).toContain(`Revision 2 of #${id}; earlier approvals no longer count.`);
    const [old, current] = previewHeaders(s, id);
    expect(old?.content).toContain(`This preview is out of date: #${id} is at revision 2, awaiting approval. The current preview: https://discord.com/channels/${GUILD}/${CH.comms}/${current!.id}`);
    expect(buttonIds(old)).toEqual([]);
    expect(buttonIds(current)).toEqual([`approve:${id}:2`, `reject:${id}:2`]);
    expect(texts(s, CH.comms).some((t) => t.includes('some swaps fail') && !t.startsWith('#'))).toBe(true);
  });

  it('corrects the posts in place and retracts them, each once approved', async () => {
    s = await startDiscord();
    await slash(s, 'alice', 'draft', { template: 'sev2/degraded-service', vars: DEGRADED_VARS });
    const id = lastDraftId(s);
    await slash(s, 'bob', 'approve', { draft: `#${id}` });
    await s.emu.waitFor(() => visible(s!, CH.news).length === 1);
    await settle(s);
    const [posted] = visible(s, CH.news);
    expect(posted?.pinned).toBe(true);
    expect(posted?.mention_everyone).toBe(false);

    await slash(s, 'alice', 'correct', { draft: String(id), vars: 'affected="the Acme web app and its API"' });
    expect(visible(s, CH.news)[0]?.content).toBe(posted!.content); // nothing changes before approval
    await slash(s, 'carol', 'approve', { draft: String(id) });
    await s.emu.waitFor(() => visible(s!, CH.news)[0]?.content.includes('and its API'));
    const corrected = visible(s, CH.news);
    expect(corrected).toHaveLength(1);
    expect(corrected[0]).toMatchObject({ id: posted!.id, allowed_mentions: { parse: [] } });
    expect(corrected[0]?.edited_timestamp).not.toBeNull();

    await slash(s, 'alice', 'retract', { draft: String(id), reason: 'posted in the wrong incident' });
    expect(previewHeaders(s, id).at(-1)?.content).toContain('Then posts this public notice on each of them:');
    await slash(s, 'bob', 'approve', { draft: String(id) });
    expect(texts(s, CH.comms)).toContain(`bob approved #${id} (1 of 1). Retracting now.`);
    // The statement is deleted; in its place a sev2 retraction posts the public notice saying why.
    await s.emu.waitFor(() => visible(s!, CH.news).every((m) => m.id !== posted!.id) && visible(s!, CH.news).length === 1);
    expect(s.emu.messages(CH.news).find((m) => m.id === posted!.id)?.deleted).toBe(true);
    const [notice] = visible(s, CH.news);
    expect(notice?.content).toMatch(/^⚠️ \*\*Acme Finance: we have removed our update of [\d-]+ [\d:]+ UTC\*\*\n\n\*\*Why:\*\* posted in the wrong incident\n/);
    expect(notice).toMatchObject({ pinned: false, mention_everyone: false });
  });

  it('previews where a statement goes: each target with @everyone and pin, and no X for a policy without X', async () => {
    s = await startDiscord();
    await slash(s, 'alice', 'draft', { template: 'sev2/degraded-service', vars: DEGRADED_VARS });
    const id = lastDraftId(s);
    const [header] = previewHeaders(s, id);
    expect(header?.content).toContain('Goes to:\n• discord-news on Discord: no @everyone, pinned\n• telegram-main on Telegram: pinned\n');
    expect(buttonIds(header)).toHaveLength(2);
    const after = visible(s, CH.comms).filter((m) => BigInt(m.id) > BigInt(header!.id));
    expect(after.some((m) => m.content.includes('**Telegram**'))).toBe(true);
    expect(after.some((m) => m.content.includes('**X**'))).toBe(false);
    expect(header?.content).not.toMatch(/^X — /m);
    // The last message of the preview quotes the header, so its buttons are one click from where the reader stops.
    expect(after.at(-1)?.message_reference?.message_id).toBe(header!.id);
  });

  it('asks for missing required variables in a form, then drafts with them', async () => {
    s = await startDiscord();
    const opened = await slash(s, 'alice', 'draft', { template: 'sev1/exploit-investigating', vars: 'affected="the ETH pool"' });
    const modal = s.emu.interactionResponses(opened)[0];
    expect(modal).toMatchObject({ kind: 'callback', type: 9 });
    const data = modal!.data as { custom_id: string; components: Array<{ label: string; component: { custom_id: string } }> };
    expect(data.components.map((c) => c.component.custom_id)).toEqual(['next_update']);
    expect(visible(s, CH.comms)).toEqual([]);

    await submit(s, 'alice', data.custom_id, { next_update: 'by 16:00 UTC, "sharp"' });
    const id = lastDraftId(s);
    const comms = texts(s, CH.comms).join('\n');
    expect(comms).toContain('the ETH pool');
    expect(comms).toContain('Next update: 16:00 UTC');
    const raw = audited(s.herald.core.db, 'command.received').map((e) => e.data.raw);
    expect(raw).toEqual([`/draft template:sev1/exploit-investigating vars:affected="the ETH pool" [form] next_update='by 16:00 UTC, "sharp"'`]);
    expect(id).toBe(1);
  });

  it('lists the missing variables instead when they would not fit one form', async () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'templates'), dir, { recursive: true });
    const names = ['one', 'two', 'three', 'four', 'five', 'six'];
    const vars = names.map((n) => `  ${n}:\n    description: Field ${n}\n    required: true\n    example: "${n}"`).join('\n');
    writeFileSync(join(dir, 'sev4', 'six-fields.hbs'), `---\ntitle: Six fields\nvariables:\n${vars}\n---\n${names.map((n) => `{{${n}}}`).join(' ')}\n`);
    s = await startDiscord({ env: { HERALD_TEMPLATES_DIR: dir } });
    const cmd = await slash(s, 'alice', 'draft', { template: 'sev4/six-fields' });
    expect(s.emu.interactionResponses(cmd)[0]).toMatchObject({ type: 5 });
    expect(privateTexts(s, cmd)).toEqual(['sev4/six-fields needs one, two, three, four, five and six; add them as name=value, e.g. one="one" two="two" three="three" four="four" five="five" six="six"']);
    expect(visible(s, CH.comms)).toEqual([]);
  });
});
