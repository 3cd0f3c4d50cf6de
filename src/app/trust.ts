import type { Core } from '../core/core';
import type { Scheduler } from '../core/reminders/runner';
import { loadKeyFile } from '../trust/keys';
import { publicKeys, retiredKeys } from '../trust/rotate';
import { TrustRunner } from '../trust/runner';
import { SiteRunner } from '../site/runner';
import { siteShipper } from '../site/ship';
import { PublicationWorker } from '../core/publications/worker';
import { REAL_TIMERS } from '../util/coalesced';
import { dirname, join } from 'node:path';

/** What herald does to be trusted outside its chats: sign, checkpoint (src/trust), and build the status site (src/site). */
export interface Trust {
  /** Undefined until `herald keys init` has made a key. */
  signer: TrustRunner | undefined;
  /** Undefined unless the config file has `status_site` (and never in a drill: drills are not public). */
  site: SiteRunner | undefined;
  /** Publishes each build to status_site.publish; undefined when the site is not built or goes nowhere. */
  publications: PublicationWorker | undefined;
  start(): void;
  /** Something public may have changed (a command ran): the site is rebuilt. */
  changed(): void;
  /** Called when the status site could not be built (the composition root logs it). */
  onSiteError(fn: (err: unknown) => void): void;
  /** Resolves once everything asked for so far is signed, checkpointed and built. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The key is read once here: a key file others can read, or one that is not a key, stops herald
 * with one line. `ready` resolves once the deliveries started so far are out and none waits
 * on a platform (the worker's quiet()): a site build waits for it.
 */
export function startTrust(core: Core, scheduler?: Scheduler, random?: () => number, ready?: () => Promise<void>): Trust {
  const keyFile = core.config.paths.signingKey;
  const key = loadKeyFile(keyFile);
  const signer = key ? new TrustRunner(core, key, scheduler) : undefined;
  const dir = core.config.statusSite?.dir;
  const siteErrors: Array<(err: unknown) => void> = [];
  const destinations = core.config.statusSite?.publish ?? [];
  // Git destinations keep their working copies beside the site's folder, never inside what is published.
  const publications =
    dir && !core.config.drill && destinations.length
      ? new PublicationWorker(core, siteShipper(dir, join(dirname(dir), '.herald-publish'), core.config.delivery.request_timeout_ms), destinations, scheduler ?? REAL_TIMERS, random)
      : undefined;
  const site =
    dir && !core.config.drill
      ? new SiteRunner(core, dir, () => ({ keys: publicKeys(keyFile, key), retired: retiredKeys(keyFile), checkpoint: signer?.latest() }), scheduler, (err) => siteErrors.forEach((fn) => fn(err)), () => publications?.built(), ready)
      : undefined;
  // With a key, the site is rebuilt once the new posts are signed and checkpointed; without one, as each delivery settles.
  signer?.onUpdate(() => site?.kick());
  const onAttempt = (a: { outcome: string }) => void (a.outcome !== 'retrying' && !signer && site?.kick());
  const onDraft = () => void site?.kick();
  let started = false;
  return {
    signer,
    site,
    publications,
    start() {
      started = true;
      core.events.on('deliveryAttempted', onAttempt);
      core.events.on('draftChanged', onDraft);
      signer?.start();
      // Publications left pending by the last run resume, each after its backoff.
      publications?.kick();
      void site?.kick();
    },
    onSiteError: (fn) => void siteErrors.push(fn),
    changed: () => void (started && site?.kick()),
    async idle() {
      await signer?.idle();
      await site?.idle();
      await publications?.idle();
    },
    async stop() {
      core.events.off('deliveryAttempted', onAttempt);
      core.events.off('draftChanged', onDraft);
      await signer?.stop();
      await site?.stop();
      await publications?.stop();
    },
  };
}
