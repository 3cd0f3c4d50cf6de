import type { Config, Severity } from '../../config/types';

/** Approvals a draft needs: its severity's, or for a holding update (no news, a new time) the policy's `holding_approvals`. */
export function approvalsNeeded(config: Config, draft: { severity: string; holding: boolean }): number {
  const policy = config.policies[draft.severity as Severity];
  return draft.holding ? (policy.holding_approvals ?? policy.approvals) : policy.approvals;
}
