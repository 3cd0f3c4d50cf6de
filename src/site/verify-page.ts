import { canonicalText } from '../trust/canonical';
import { signedMessage } from '../trust/sign';
import { STATE_NOTE, STATEMENTS_PATH, WELL_KNOWN_PATH } from '../trust/published';

/**
 * `verify.html`: a member pastes a statement and the browser checks it against the published
 * key and signatures with WebCrypto's Ed25519, as `herald verify --site` does. The canonical form
 * and the signed message are herald's own functions, put into the page as they are, so the two
 * checks cannot drift apart. It needs JavaScript (the rest of the site does not) and says so.
 */
const SCRIPT = `
const canonicalText = ${canonicalText.toString()};
const signedMessage = ${signedMessage.toString()};
const PLATFORMS = { discord: 'Discord', telegram: 'Telegram', x: 'X' };
const SINCE = ${JSON.stringify(STATE_NOTE)};
const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const utf8 = (s) => new TextEncoder().encode(s);
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
async function signedBy(text) {
  const [doc, list] = await Promise.all([fetch(${JSON.stringify(WELL_KNOWN_PATH)}).then((r) => r.json()), fetch(${JSON.stringify(STATEMENTS_PATH)}).then((r) => r.json())]);
  const sha = hex(await crypto.subtle.digest('SHA-256', utf8(canonicalText(text))));
  const found = [];
  for (const p of list.filter((p) => p.text_sha256 === sha)) {
    const k = doc.keys.find((k) => k.key_id === p.key_id);
    if (!k) continue;
    const key = await crypto.subtle.importKey('raw', bytes(k.public_key), { name: 'Ed25519' }, false, ['verify']);
    const message = signedMessage({ keyId: p.key_id, draftId: p.draft_id, platform: p.platform, targetId: p.target, postedAt: p.posted_at, textSha256: p.text_sha256 });
    if (await crypto.subtle.verify({ name: 'Ed25519' }, key, bytes(p.signature), utf8(message))) found.push(p);
  }
  return found;
}
document.getElementById('check').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = document.getElementById('result');
  const text = document.getElementById('statement').value;
  if (!text.trim()) { out.textContent = 'Paste the statement first.'; return; }
  out.textContent = 'Checking…';
  try {
    const found = await signedBy(text);
    out.textContent = found.length
      ? found.map((p) => 'Signed by herald: draft #' + p.draft_id + ' on ' + (PLATFORMS[p.platform] || p.platform) + ' (' + p.target + '), posted ' + p.posted_at + (SINCE[p.state] || '') + '.').join(' ')
      : 'NOT signed by herald: no statement published here has this text. Do not trust it.';
  } catch (err) {
    out.textContent = 'The check could not run (' + err.message + '); use herald verify --site instead.';
  }
});
`;

export const VERIFY_BODY = `<h1>Check a statement</h1>
<p>Paste a statement you saw on Discord, Telegram, X or elsewhere. Your browser checks it against the public key in <a href="${WELL_KNOWN_PATH}">${WELL_KNOWN_PATH}</a> and the signatures in <a href="${STATEMENTS_PATH}">${STATEMENTS_PATH}</a>; nothing you paste leaves your browser.</p>
<noscript><p>This check needs JavaScript. Without it, run <code>herald verify --site</code> with this site's address.</p></noscript>
<form id="check"><p><label for="statement">Statement text</label><br><textarea id="statement" rows="12" cols="60"></textarea></p>
<p><button type="submit">Check</button></p></form>
<p id="result" role="status" aria-live="polite"></p>
<script>${SCRIPT}</script>`;
