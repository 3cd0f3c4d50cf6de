import type { Core } from '../core/core';
import type { Scheduler } from '../core/reminders/runner';
import { loadKeyFile } from '../trust/keys';
import { TrustRunner } from '../trust/runner';

/** What herald does to be trusted outside its chats: sign, checkpoint, and (src/site) publish. */
export interface Trust {
  /** Undefined until `herald keys init` has made a key. */
  signer: TrustRunner | undefined;
  start(): void;
  /** Resolves once everything asked for so far is signed, checkpointed and built. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** The key is read once here: a key file others can read, or one that is not a key, stops herald with one line. */
export function startTrust(core: Core, scheduler?: Scheduler): Trust {
  const key = loadKeyFile(core.config.paths.signingKey);
  const signer = key ? new TrustRunner(core, key, scheduler) : undefined;
  return {
    signer,
    start: () => signer?.start(),
    idle: async () => signer?.idle(),
    stop: async () => signer?.stop(),
  };
}
