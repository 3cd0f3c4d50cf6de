import { platformName } from '../../config/schema';
import { redact } from '../../util/redact';
import type { DraftView } from './view';

/** An older preview of a draft: the newest one carries the state and the buttons. */
export function supersededText(view: DraftView, newest: string | undefined): string {
  return `#${view.draftId} · ${view.templateId} — ${view.title}\nThis preview is out of date: #${view.draftId} is at revision ${view.revision.number}, ${view.statusText}. The current preview: ${newest ?? 'below'}`;
}

/** Said in the comms chat once per failed delivery, not only in an edited preview nobody is notified of. */
export function failureNotice(draftId: number, d: { targetId: string; platform: string; lastError: string | null }): string {
  return `❌ #${draftId} did not reach ${d.targetId} (${platformName(d.platform)}): ${redact(d.lastError ?? 'failed')}. herald will not retry it on its own; fix the cause, then /retry #${draftId}.`;
}
