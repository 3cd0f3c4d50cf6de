import Handlebars from 'handlebars';
import type { TemplateProblem } from './file-format';

/**
 * A Handlebars environment with nothing but `if` and `unless`: templates are code, so the
 * language they may use is kept as small as the statements need.
 */
const hb = Handlebars.create();
for (const name of ['each', 'with', 'lookup', 'log']) hb.unregisterHelper(name);

const COMPILE_OPTIONS: CompileOptions = {
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: { each: false, with: false, lookup: false, log: false },
  // Values are escaped per platform by the renderer, never as HTML.
  noEscape: true,
  preventIndent: true,
  data: false,
};
const RUNTIME_OPTIONS: RuntimeOptions = { allowProtoMethodsByDefault: false, allowProtoPropertiesByDefault: false };

/** `verify_url` is not in the config file: herald's status site's verify.html, when the site has a URL (src/config/load.ts). */
export const ORG_FIELDS = ['name', 'website', 'app', 'status_page', 'docs', 'x_handle', 'discord', 'telegram', 'verify_url'] as const;
export const LATEST_FIELDS = ['title', 'link', 'status', 'updated_at', 'next_update'] as const;
/** An FAQ entry's `{{compromised}}`: the channels marked compromised, named, or empty. */
export const COMPROMISED_FIELD = 'compromised';

export interface VariableUse {
  name: string;
  line: number;
}

export interface Analysis {
  /** Template variables used (not org.* / latest.*), with the file line of each use. */
  uses: VariableUse[];
  problems: Array<Omit<TemplateProblem, 'file'>>;
}

type Node = hbs.AST.Node & { loc?: hbs.AST.SourceLocation };

/** Parses a section and lists what it uses and everything it may not do. */
export function analyse(source: string, firstLine: number, kind: 'template' | 'faq'): Analysis {
  const uses: VariableUse[] = [];
  const problems: Analysis['problems'] = [];
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch (err) {
    const msg = (err as Error).message;
    const m = /on line (\d+)/.exec(msg);
    const detail = msg.split('\n').slice(-1)[0] ?? msg;
    const unclosed = /got 'EOF'/.test(detail) ? unclosedBlock(source) : null;
    if (unclosed) {
      problems.push({ line: firstLine + unclosed.line - 1, message: `\`{{#${unclosed.name}}}\` is never closed; add {{/${unclosed.name}}} where the block ends` });
    } else {
      problems.push({ line: firstLine + (m ? Number(m[1]) - 1 : 0), message: `Handlebars syntax error: ${detail}` });
    }
    return { uses, problems };
  }
  const lineOf = (n: Node) => firstLine + (n.loc?.start.line ?? 1) - 1;

  const path = (expr: hbs.AST.Expression, at: Node): void => {
    if (expr.type !== 'PathExpression') {
      problems.push({ line: lineOf(at), message: 'only plain variable names may be used here, not literals or sub-expressions' });
      return;
    }
    const p = expr as hbs.AST.PathExpression;
    if (p.data || p.depth > 0 || p.original.startsWith('this') || p.parts.length === 0) {
      problems.push({ line: lineOf(at), message: `\`${p.original}\` is not allowed; use a declared variable name` });
      return;
    }
    const [head, field, ...rest] = p.parts;
    if (head === 'org' || (kind === 'faq' && head === 'latest')) {
      const fields: readonly string[] = head === 'org' ? ORG_FIELDS : LATEST_FIELDS;
      if (field === undefined) {
        if (head === 'latest' && rest.length === 0) return; // `{{#if latest}}`
        problems.push({ line: lineOf(at), message: `\`${head}\` alone is not a value; use one of ${fields.map((f) => `${head}.${f}`).join(', ')}` });
      } else if (rest.length || !fields.includes(field)) {
        problems.push({ line: lineOf(at), message: `unknown \`${p.original}\`; known: ${fields.map((f) => `${head}.${f}`).join(', ')}` });
      }
      return;
    }
    // Which of our channels not to trust now, when one is marked compromised (empty otherwise).
    if (kind === 'faq' && head === COMPROMISED_FIELD && p.parts.length === 1) return;
    if (p.parts.length > 1) {
      problems.push({ line: lineOf(at), message: `\`${p.original}\` is not allowed; variables are plain names` });
      return;
    }
    uses.push({ name: head!, line: lineOf(at) });
  };

  const walk = (statements: hbs.AST.Statement[]): void => {
    for (const s of statements as Node[]) {
      switch (s.type) {
        case 'ContentStatement':
        case 'CommentStatement':
          break;
        case 'MustacheStatement': {
          const m = s as unknown as hbs.AST.MustacheStatement;
          if (!m.escaped) problems.push({ line: lineOf(s), message: 'use `{{name}}`, not `{{{name}}}`' });
          if (m.params.length || (m.hash && m.hash.pairs.length)) {
            problems.push({ line: lineOf(s), message: `\`${(m.path as hbs.AST.PathExpression).original}\` is not a known helper; only if and unless blocks are allowed` });
          } else path(m.path, s);
          break;
        }
        case 'BlockStatement': {
          const b = s as unknown as hbs.AST.BlockStatement;
          const name = (b.path as hbs.AST.PathExpression).original;
          if (name !== 'if' && name !== 'unless') {
            problems.push({ line: lineOf(s), message: `\`{{#${name}}}\` is not allowed; only {{#if}} and {{#unless}} blocks are` });
            break;
          }
          if (b.params.length !== 1 || (b.hash && b.hash.pairs.length)) {
            problems.push({ line: lineOf(s), message: `\`{{#${name}}}\` takes exactly one variable name` });
          } else path(b.params[0]!, s);
          if (b.program) walk(b.program.body);
          if (b.inverse) walk(b.inverse.body);
          break;
        }
        default:
          problems.push({ line: lineOf(s), message: `${s.type.replace('Statement', '').toLowerCase()}s are not allowed in templates` });
      }
    }
  };
  walk(ast.body);
  return { uses, problems };
}

export type CompiledSection = (context: Record<string, unknown>) => string;

export function compile(source: string): CompiledSection {
  const fn = hb.compile(source, COMPILE_OPTIONS);
  return (context) => fn(context, RUNTIME_OPTIONS);
}

/** The innermost block left open at the end of a section, for a message better than "got EOF". */
function unclosedBlock(source: string): { name: string; line: number } | null {
  const stack: Array<{ name: string; line: number }> = [];
  const re = /\{\{~?([#/])\s*([\w.-]+)/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const line = source.slice(0, m.index).split('\n').length;
    if (m[1] === '#') stack.push({ name: m[2]!, line });
    else if (stack.at(-1)?.name === m[2]) stack.pop();
  }
  return stack.at(-1) ?? null;
}
