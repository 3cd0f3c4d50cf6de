import type { Config } from '../../config/types';
import { durationText, promiseText } from '../promises/format';
import { reminderStatus } from '../promises/schedule';
import { listWords } from '../statement/values';

const namesWith = (config: Config, role: 'drafter' | 'approver', except: string[] = []) =>
  Object.entries(config.people)
    .filter(([name, p]) => p.roles.includes(role) && !except.includes(name))
    .map(([name]) => name);

/** Who can act on a promise: the drafters, by name, and what to type. */
export function promiseReminder(config: Config, p: { incidentId: number; title: string; dueAt: Date; draftId: number }, now: Date): string {
  const who = namesWith(config, 'drafter');
  return [
    `⏰ Incident ${p.incidentId} (${p.title}): the next update promised for ${promiseText(p.dueAt, now)} (in #${p.draftId}) is ${reminderStatus(p.dueAt, now)}.`,
    `${who.length ? `${listWords(who)} can` : 'A drafter can'} /draft the update, or hold: /hold ${p.incidentId} next_update="in 30 minutes".`,
  ].join('\n');
}

export function breakGlassNotice(config: Config, b: { draftId: number; templateId: string; usedBy: string; reason: string; ratifyBy: Date }, now: Date): string {
  const who = namesWith(config, 'approver', [b.usedBy]);
  return [
    `🔓 Break glass: ${b.usedBy} published #${b.draftId} (${b.templateId}) on one approval: "${b.reason}".`,
    `A second approver${who.length ? ` (${listWords(who)})` : ''} must ratify it by ${promiseText(b.ratifyBy, now)}: /approve #${b.draftId}.`,
  ].join('\n');
}

export function breakGlassChase(config: Config, b: { draftId: number; usedBy: string; usedAt: Date; ratifyBy: Date }, now: Date): string {
  const who = namesWith(config, 'approver', [b.usedBy]);
  const late = Math.max(0, Math.round((now.getTime() - b.ratifyBy.getTime()) / 60_000));
  return `🔓 #${b.draftId} went out by break glass ${durationText(Math.round((now.getTime() - b.usedAt.getTime()) / 60_000))} ago and is not ratified${late ? ` (${durationText(late)} past ${promiseText(b.ratifyBy, now)})` : ''}: a second approver${who.length ? ` (${listWords(who)})` : ''} must /approve #${b.draftId}.`;
}
