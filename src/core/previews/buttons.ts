import type { DraftView } from './view';

/** A preview button: the action, the draft and the revision printed above it. */
export interface ButtonPress {
  action: 'approve' | 'reject';
  draftId: number;
  revision: number;
}

const BUTTON = /^(approve|reject):(\d{1,9}):(\d{1,9})$/;

/**
 * Button data on every platform. It carries the revision the preview shows, so a press is bound
 * to the text above it (it stays under Telegram's 64 bytes of callback data).
 */
export const encodeButton = (press: ButtonPress): string => `${press.action}:${press.draftId}:${press.revision}`;

export function decodeButton(data: string): ButtonPress | null {
  const m = BUTTON.exec(data);
  return m ? { action: m[1] as ButtonPress['action'], draftId: Number(m[2]), revision: Number(m[3]) } : null;
}

/** The buttons a current preview carries: Approve and Reject while the draft waits for approval. */
export function previewButtons(view: DraftView): Array<ButtonPress & { id: string }> {
  if (!view.awaitingApproval) return [];
  const at = { draftId: view.draftId, revision: view.revision.number };
  return (['approve', 'reject'] as const).map((action) => ({ action, ...at, id: encodeButton({ action, ...at }) }));
}
