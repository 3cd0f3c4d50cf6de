import type { ArgKind, ArgSpec, ArgsOf, CommandDef } from './types';

export function defineCommand<const A extends readonly ArgSpec[]>(def: CommandDef<A>): CommandDef<A> {
  return def;
}

export const arg = <const N extends string, const K extends ArgKind, const R extends boolean>(name: N, kind: K, required: R, description: string) =>
  ({ name, kind, required, description }) as const;

/** `/draft <template> [name=value ...]`, from the command's data. */
export function usage(def: CommandDef): string {
  const parts = def.args.map((a) => {
    const word = a.kind === 'vars' ? 'name=value ...' : a.name;
    return a.required ? `<${word}>` : `[${word}]`;
  });
  return [`/${def.name}`, ...parts].join(' ');
}

export type { ArgsOf };
