/**
 * SQLite's placeholders (`?`, and `@name` with an object of values) as PostgreSQL's `$1…`.
 * Quoted strings, quoted identifiers and comments are copied as they are. drizzle makes the
 * same few statements again and again, so each translation is kept (a bounded number).
 */
export function toPositional(sql: string, params: unknown[] | Record<string, unknown>): { text: string; values: unknown[] } {
  let t = cache.get(sql);
  if (!t) {
    t = translate(dialect(sql));
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(sql, t);
  }
  if (Array.isArray(params)) return { text: t.text, values: params.map(value) };
  const named = params;
  return {
    text: t.text,
    values: t.names.map((n) => {
      if (!(n in named)) throw new RangeError(`Missing named parameter "${n}"`);
      return value(named[n]);
    }),
  };
}

/**
 * Where drizzle's SQLite dialect writes what PostgreSQL refuses: an upsert's conflict target
 * names its columns with the table (`on conflict ("t"."a")`), and PostgreSQL wants bare names.
 */
function dialect(sql: string): string {
  return sql.replace(/\bon conflict \(([^)]*)\)/giu, (_, cols: string) => `on conflict (${cols.replace(/"[^"]+"\./gu, '')})`);
}

interface Translation {
  text: string;
  /** For `@name` placeholders, the name of each `$n` in order. */
  names: string[];
}

const CACHE_SIZE = 2000;
const cache = new Map<string, Translation>();

/** better-sqlite3 binds true/false as 1/0; herald's flags are 0/1 integers on both engines. */
const value = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'bigint' ? v.toString() : v);

function translate(sql: string): Translation {
  let out = '';
  const names: string[] = [];
  const byName = new Map<string, number>();
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const close = skipQuoted(sql, i, c);
      out += sql.slice(i, close);
      i = close - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const close = sql.indexOf('\n', i);
      const stop = close === -1 ? sql.length : close;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else if (c === '@' && /[A-Za-z_]/u.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_]\w*/u.exec(sql.slice(i + 1))![0];
      let at = byName.get(name);
      if (at === undefined) ((at = ++n), byName.set(name, at), names.push(name));
      out += `$${at}`;
      i += name.length;
    } else out += c;
  }
  return { text: out, names };
}

/** The index just past a quoted string or identifier starting at `i`; a doubled quote stays inside. */
function skipQuoted(sql: string, i: number, q: string): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === q) {
      if (sql[j + 1] === q) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}
