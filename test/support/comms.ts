import type { Herald } from '../../src/app';
import type { ChatPlatform } from '../../src/config/types';
import type { HeaderFace, PreviewSurface } from '../../src/core/port';
import { createLogger } from '../../src/util/log';

/**
 * A chat platform's comms channel as the port sees it, in memory: what herald posts there on its
 * own (reminders, break-glass notices) lands in `posts`. Previews are the MemoryChat's business,
 * so edits change nothing here.
 */
export class MemoryComms implements PreviewSurface<string> {
  readonly posts: Array<{ chatId: string; text: string }> = [];
  private id = 1000;

  constructor(readonly platform: ChatPlatform = 'discord') {}

  static attach(herald: Herald, platform: ChatPlatform = 'discord'): MemoryComms {
    const comms = new MemoryComms(platform);
    herald.port.previews(comms, createLogger('silent'));
    return comms;
  }

  render(face: HeaderFace) {
    return { text: face.text, body: face.text };
  }

  edit(): Promise<'unchanged'> {
    return Promise.resolve('unchanged');
  }

  post(chatId: string, text: string): Promise<string> {
    this.posts.push({ chatId, text });
    return Promise.resolve(String(this.id++));
  }

  link(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  texts(): string[] {
    return this.posts.map((p) => p.text);
  }
}
