import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { envSchema, platformName } from '../config/schema';
import { ConfigError, readEnvironment } from '../config/environment';
import { verifyAudit } from '../audit/verify';
import { appendCheckpoint, checkAgainst, makeCheckpoint, parseCheckpoints, type Checkpoint } from '../trust/checkpoint';
import { createKeyFile, loadKeyFile, type PublicKey } from '../trust/keys';
import { publicKeys, rotateKeyFile } from '../trust/rotate';
import type { SignedStatement } from '../trust/sign';
import { findSigned, keysOf, verifyPublished, STATE_NOTE, STATEMENTS_PATH, WELL_KNOWN_PATH, type HeraldJson, type PublishedSignature } from '../trust/published';
import { openExistingDb } from './audit';
import { OperatorError } from './failure';

/** `herald keys init`, `herald verify` and `herald audit checkpoint` / `verify --against`: they need the key and checkpoint paths, not the whole config. */

function trustPaths() {
  const parsed = envSchema.pick({ HERALD_SIGNING_KEY_FILE: true, HERALD_CHECKPOINTS_FILE: true }).safeParse(readEnvironment());
  if (!parsed.success) throw new ConfigError(`${String(parsed.error.issues[0]!.path[0])}: ${parsed.error.issues[0]!.message}`);
  return { key: resolve(parsed.data.HERALD_SIGNING_KEY_FILE), checkpoints: resolve(parsed.data.HERALD_CHECKPOINTS_FILE) };
}

function requireKey(what: string) {
  const { key: path } = trustPaths();
  const key = loadKeyFile(path);
  if (!key) throw new OperatorError(`HERALD_SIGNING_KEY_FILE: there is no signing key at ${path}, so ${what}; run herald keys init first (or point HERALD_SIGNING_KEY_FILE at the key)`);
  return key;
}

/** The current key and every retired one: what signed the statements and checkpoints herald made. */
function verifyingKeys(what: string): PublicKey[] {
  const keys = publicKeys(trustPaths().key);
  return keys.length ? keys : [requireKey(what)];
}

export function keysRotate(): void {
  const { key: path } = trustPaths();
  const { old, next } = rotateKeyFile(path, new Date());
  process.stdout.write(
    `rotated herald's signing key at ${path}: key ${old.keyId} is retired (its private half destroyed, its public half kept in ${path}.retired.json so what it signed still verifies)\n` +
      `new public key (key id ${next.keyId}): ${next.publicKey}\n` +
      `the rotation is signed by the old key and the new; restart herald to sign with the new key, then publish it where you published the old one\n`,
  );
}

export function keysInit(): void {
  const { key: path } = trustPaths();
  const key = createKeyFile(path);
  process.stdout.write(
    `created herald's Ed25519 signing key at ${path} (readable by you only; back it up somewhere safe)\n` +
      `public key (key id ${key.keyId}): ${key.publicKey}\n` +
      `publish it: it is in the status site's /${WELL_KNOWN_PATH}; post it on your website and pin it in your channels\n`,
  );
}

/** A file, or an http(s) URL, as text; `under` names the file inside a site folder or URL. */
async function readSource(source: string, under?: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const url = under ? new URL(under, source.endsWith('/') ? source : `${source}/`).href : source;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      throw new OperatorError(`${url} could not be fetched (${(err as Error).message}); check the address`);
    }
    if (!res.ok) throw new OperatorError(`${url} answered ${res.status}; check the address`);
    return res.text();
  }
  const file = under ? join(resolve(source), under) : resolve(source);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new OperatorError(`${file} cannot be read; ${under ? 'point --site at the status site folder herald built' : 'check the path'}`);
  }
}

function parseJson<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new OperatorError(`${where} is not JSON; point at herald's status site`);
  }
}

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const describe = (s: SignedStatement) =>
  `signed by herald: draft #${s.draftId} on ${platformName(s.platform)} (target ${s.targetId}), posted ${s.postedAt}, key ${s.keyId}${STATE_NOTE[s.state]}\n`;

/** Exit 0 when herald signed this text (each match printed), 1 when it did not. */
export async function verifyCommand(options: { site?: string }): Promise<void> {
  const text = await readStdin();
  if (!text.trim()) throw new OperatorError("herald verify reads the statement's text on stdin; paste it or pipe it in (herald verify < statement.txt)");
  let found: SignedStatement[];
  let checked: string;
  if (options.site) {
    const doc = parseJson<HeraldJson>(await readSource(options.site, WELL_KNOWN_PATH), `${options.site} ${WELL_KNOWN_PATH}`);
    const list = parseJson<PublishedSignature[]>(await readSource(options.site, STATEMENTS_PATH), `${options.site} ${STATEMENTS_PATH}`);
    found = verifyPublished(list, keysOf(doc), text);
    checked = `the ${list.length} signatures published at ${options.site}`;
  } else {
    const keys = verifyingKeys('there is nothing to verify with (or give --site to check against the published status site)');
    const db = openExistingDb();
    found = findSigned(db, keys, text);
    db.$client.close();
    checked = `herald's database with key ${keys.map((k) => k.keyId).join(', ')}`;
  }
  if (found.length) {
    for (const s of found) process.stdout.write(describe(s));
    return;
  }
  process.stdout.write(`NOT signed by herald: no statement in ${checked} has this text\n`);
  process.exitCode = 1;
}

export function auditCheckpoint(): void {
  const key = requireKey('no checkpoint can be signed');
  const db = openExistingDb();
  const c = makeCheckpoint(db, key, new Date());
  db.$client.close();
  appendCheckpoint(trustPaths().checkpoints, c);
  process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
}

const asJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * What `--against` names, read: a status site folder or base URL stands for its
 * /.well-known/herald.json, as with `herald verify --site`; anything else is read as it is.
 */
async function againstSource(source: string): Promise<{ where: string; text: string }> {
  const url = /^https?:\/\//i.test(source);
  if (!url && isDir(source)) return { where: join(resolve(source), WELL_KNOWN_PATH), text: await readSource(source, WELL_KNOWN_PATH) };
  const text = await readSource(source);
  // A site's base URL answers with its index page, not JSON.
  if (url && !/^\s*[{[]/.test(text)) {
    const where = new URL(WELL_KNOWN_PATH, source.endsWith('/') ? source : `${source}/`).href;
    return { where, text: await readSource(source, WELL_KNOWN_PATH) };
  }
  return { where: source, text };
}

/** The checkpoints and the keys to trust: a status site's herald.json carries its keys; a checkpoint file is checked with the local key. */
async function checkpointsFrom(source: string): Promise<{ checkpoints: Checkpoint[]; keys: PublicKey[]; where: string }> {
  const { where, text } = await againstSource(source);
  const doc = asJson(text) as Partial<HeraldJson> | undefined;
  if (doc && typeof doc === 'object' && 'keys' in doc && Array.isArray(doc.keys)) {
    return { checkpoints: doc.checkpoint ? [doc.checkpoint] : [], keys: keysOf(doc as HeraldJson), where };
  }
  let checkpoints: Checkpoint[];
  try {
    checkpoints = parseCheckpoints(text);
  } catch (err) {
    throw new OperatorError(`${where}: ${(err as Error).message}; point --against at herald's checkpoint file (HERALD_CHECKPOINTS_FILE), a status site (its folder or URL) or its ${WELL_KNOWN_PATH}`);
  }
  return { checkpoints, keys: verifyingKeys(`the checkpoints in ${where} cannot be checked`), where };
}

export async function auditVerifyAgainst(source: string): Promise<void> {
  const { checkpoints, keys, where } = await checkpointsFrom(source);
  const db = openExistingDb();
  try {
    const chain = verifyAudit(db);
    if (!chain.ok) {
      process.stdout.write(`audit log BROKEN at row ${chain.seq}: ${chain.problem}\n`);
      process.exitCode = 1;
      return;
    }
    const result = checkAgainst(db, checkpoints, keys, where);
    process.stdout.write(`${result.line}\n`);
    if (!result.ok) process.exitCode = 1;
  } finally {
    db.$client.close();
  }
}
