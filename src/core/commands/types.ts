import type { ChatPlatform, Role, Severity } from '../../config/types';
import type { Core } from '../core';
import type { Actor, Identity } from '../people';
import type { DraftView } from '../previews/view';
import type { Rendered } from '../statement/render';
import type { Template } from '../templates/library';
import type { Tx } from '../../store/db';

/** One command or button press, translated by a chat adapter into platform-free terms. */
export interface ChatEvent {
  platform: ChatPlatform;
  /** The platform's id for this event (interaction id, update id): a replay has the same one. */
  eventId: string;
  chatId: string;
  actor: Actor;
  /** An edited message never runs a command. */
  edited?: boolean;
  /** The command name without slash or @bot suffix, its arguments, and the raw text as received (for the log). */
  name: string;
  args: CommandArgs;
  raw: string;
  via: 'command' | 'button';
  /** For buttons: the revision shown on the preview that was pressed. */
  revision?: number;
}

/**
 * Typed text (Telegram, a console line) is read by the command layer's one text parser;
 * structured input (Discord options, form fields) arrives already split, by argument name.
 * A `vars` argument may be given as `name=value` text or as the values themselves.
 */
export type CommandArgs = { text: string } | { fields: Record<string, string | Record<string, string> | undefined> };

export type Reply =
  | { type: 'text'; text: string; private?: boolean }
  | { type: 'preview'; view: DraftView }
  /** A rendered FAQ entry; `private` means only the asker should see it. */
  | { type: 'faq'; topic: string; rendered: Rendered; private: boolean };

export interface CommandOutcome {
  replies: Reply[];
  /** The same event was handled before; nothing was done again. */
  replay?: boolean;
  /** Drafts whose previews changed (adapters refresh them). */
  changedDrafts?: number[];
  /** A broadcast was created; the delivery worker should start. */
  broadcastId?: number;
}

export interface ArgTypes {
  severity: Severity;
  template: Template;
  draft: number;
  incident: number;
  vars: Record<string, string>;
  text: string;
  topic: string;
  /** A target id from the config (`x`, `discord-main`). */
  target: string;
}
export type ArgKind = keyof ArgTypes;

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly required: boolean;
  readonly description: string;
}

/** The handler's argument object, derived from the command's data: required args are never undefined. */
export type ArgsOf<A extends readonly ArgSpec[]> = {
  [S in A[number] as S['name']]: S['required'] extends true ? ArgTypes[S['kind']] : ArgTypes[S['kind']] | undefined;
};

export interface HandlerContext {
  core: Core;
  tx: Tx;
  event: ChatEvent;
  who: Identity;
}

export interface CommandDef<A extends readonly ArgSpec[] = readonly ArgSpec[]> {
  readonly name: string;
  readonly summary: string;
  /** Roles that may run it; empty means anyone. */
  readonly roles: readonly Role[];
  /** Drafting and approving happen only in the configured private comms channel. */
  readonly commsOnly: boolean;
  readonly args: A;
  run(ctx: HandlerContext, args: ArgsOf<A>): Omit<CommandOutcome, 'replay'>;
}
