import { HeraldError } from '../errors';

/**
 * A press under a preview whose revision is no longer the current one. It changes nothing; the
 * dispatcher answers with the reason and the newest preview (`showDraft`), so the presser reads
 * what is now up for approval before acting again.
 */
export class StalePreview extends HeraldError {
  constructor(
    readonly draftId: number,
    message: string,
  ) {
    super('conflict', message, { showDraft: draftId });
  }
}
