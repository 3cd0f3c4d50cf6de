import { DiscordEmulator } from './emulator';
import type { DiscordEmulatorOptions } from './types';

export { DiscordEmulator } from './emulator';
export type {
  DiscordEmulatorOptions,
  EmulatorStats,
  EmulatorUserSpec,
  Fault,
  FaultMatch,
  GuildChannelSpec,
  GuildMemberSpec,
  GuildRoleSpec,
  GuildSpec,
  InteractionResponseRecord,
  InteractionSpec,
  OptionValue,
  RecordedRequest,
  StoredMessage,
} from './types';

/** Starts a loopback Discord (REST + gateway) on 127.0.0.1 with an ephemeral port. Close it after the client. */
export async function startDiscordEmulator(options: DiscordEmulatorOptions = {}): Promise<DiscordEmulator> {
  return new DiscordEmulator(options).start();
}
