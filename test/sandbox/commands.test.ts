import { describe, expect, it } from 'vitest';
import { commandData } from '../../src/platforms/discord/commands';
import { discordInput, shownCommand } from '../../src/sandbox/console/commands';

/** The console turns typed Discord text into the slash command a member would fill in. */
describe('console: typed text to a Discord slash command', () => {
  it('puts the template in its option and the variables, quotes and all, in vars', () => {
    const input = discordInput('/draft sev1/exploit-investigating affected="the USDC pool" next_update="in 30 minutes"');
    expect(input).toEqual({ kind: 'command', name: 'draft', options: { template: 'sev1/exploit-investigating', vars: 'affected="the USDC pool" next_update="in 30 minutes"' } });
    if (input.kind === 'command') expect(shownCommand(input)).toBe('/draft template:sev1/exploit-investigating vars:affected="the USDC pool" next_update="in 30 minutes"');
  });

  it('fills one-word options in the order herald declares them, and free text last', () => {
    expect(discordInput('/show #12')).toEqual({ kind: 'command', name: 'show', options: { draft: '#12' } });
    expect(discordInput('/reject 3 the numbers are not verified yet')).toEqual({ kind: 'command', name: 'reject', options: { draft: '3', reason: 'the numbers are not verified yet' } });
    expect(discordInput('/edit 3 next_update="by 16:00 UTC"')).toEqual({ kind: 'command', name: 'edit', options: { draft: '3', vars: 'next_update="by 16:00 UTC"' } });
    expect(discordInput('/HELP')).toEqual({ kind: 'command', name: 'help', options: {} });
    expect(discordInput('/templates sev2')).toEqual({ kind: 'command', name: 'templates', options: { severity: 'sev2' } });
  });

  it('uses only option names herald registered with Discord', () => {
    const registered = new Map(commandData().map((c) => [c.name, new Set(((c as { options?: Array<{ name: string }> }).options ?? []).map((o) => o.name))]));
    for (const line of ['/draft sev1/x a=b', '/show 1', '/edit 1 a=b', '/approve 1', '/reject 1 no', '/cancel 1', '/status 1', '/correct 1 a=b', '/retract 1 why', '/faq funds-safe', '/templates sev1', '/whoami', '/help']) {
      const input = discordInput(line);
      expect(input.kind, line).toBe('command');
      if (input.kind !== 'command') continue;
      for (const option of Object.keys(input.options)) expect(registered.get(input.name)?.has(option), `${line}: ${option}`).toBe(true);
    }
  });

  it('refuses what Discord’s client would not send, saying what is missing', () => {
    expect(discordInput('/draft')).toEqual({ kind: 'refused', message: 'Discord needs the template option before it sends /draft: /draft <template> [name=value ...]' });
    // /approve and /show take the only open draft when none is named; /edit always needs one.
    expect(discordInput('/edit')).toMatchObject({ kind: 'refused', message: expect.stringContaining('needs the draft option') });
    expect(discordInput('/approve')).toEqual({ kind: 'command', name: 'approve', options: {} });
    expect(discordInput('/templates sev9')).toMatchObject({ kind: 'refused', message: 'Discord offers only sev1, sev2, sev3, sev4 for the severity option of /templates.' });
    expect(discordInput('/cancel 1 2')).toMatchObject({ kind: 'refused', message: '/cancel has no option for “2”: /cancel <draft>' });
    expect(discordInput('/launch everything')).toMatchObject({ kind: 'refused', message: expect.stringContaining('no /launch command') });
  });

  it('sends anything that is not a command as a plain message', () => {
    expect(discordInput('  anyone seen the pool numbers?  ')).toEqual({ kind: 'chat', text: 'anyone seen the pool numbers?' });
    expect(discordInput('   ')).toMatchObject({ kind: 'refused' });
  });
});
