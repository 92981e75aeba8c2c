// Independent generator of Cipherleaf test vectors for the manifest (§10.4),
// the set digest (§10.3), the rotation chain (§3, §3.1 L2) and the backup
// file (§9). Written from shared/SPEC.md alone, on @noble/ciphers and
// @noble/hashes: it shares no code with the Go implementation, so a bug in
// the Go code cannot approve its own vectors. See README.md.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { argon2id } from '@noble/hashes/argon2.js';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const out = join(dirname(fileURLToPath(import.meta.url)), '..');
const enc = new TextEncoder();

// ---- bytes ----
const hex = (b) => Buffer.from(b).toString('hex');
const b64 = (b) => Buffer.from(b).toString('base64');
const cat = (...parts) => {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const o = new Uint8Array(n);
  let i = 0;
  for (const p of parts) { o.set(p, i); i += p.length; }
  return o;
};
const u8 = (x) => Uint8Array.of(x);
const u32 = (x) => { const o = new Uint8Array(4); new DataView(o.buffer).setUint32(0, x); return o; };
const u64 = (x) => { const o = new Uint8Array(8); new DataView(o.buffer).setBigUint64(0, BigInt(x)); return o; };
const uuid16 = (s) => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s)) throw new Error('bad uuid ' + s);
  return Uint8Array.from(Buffer.from(s.replaceAll('-', ''), 'hex'));
};

// Deterministic stand-ins for random bytes: SHA-256 in counter mode over a
// label (a different label space from the Go vectors' on purpose).
function det(label, n) {
  let o = new Uint8Array(0);
  for (let i = 0; o.length < n; i++) o = cat(o, sha256(cat(enc.encode('cipherleaf independent vector/' + label + '/'), u32(i))));
  return o.slice(0, n);
}
const detUUID = (label) => {
  const b = det(label, 16);
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

// ---- SPEC constructions ----
const hk = (ikm, info) => hkdf(sha256, ikm, undefined, typeof info === 'string' ? enc.encode(info) : info, 32);
const seal = (key, nonce, pt, ad) => xchacha20poly1305(key, nonce, ad).encrypt(pt);
const open = (key, nonce, ct, ad) => xchacha20poly1305(key, nonce, ad).decrypt(ct);

// §4
function wrap(key, pt, purpose, nonce) {
  return cat(u8(1), nonce, seal(key, nonce, pt, enc.encode('cipherleaf/v1/wrap/' + purpose)));
}
function unwrap(key, blob, purpose) {
  if (blob[0] !== 1) throw new Error('version');
  return open(key, blob.slice(1, 25), blob.slice(25), enc.encode('cipherleaf/v1/wrap/' + purpose));
}

// §3 bundle: u32be(g) || key, newest first
const encBundle = (keys) => cat(...keys.flatMap((k) => [u32(k.gen), k.key]));
function decBundle(b) {
  const keys = [];
  for (let i = 0; i < b.length; i += 36) keys.push({ gen: new DataView(b.buffer, b.byteOffset + i).getUint32(0), key: b.slice(i + 4, i + 36) });
  return keys;
}
const ak = (gen, label) => ({ gen, key: det(label, 32) });

// §5.1 padding
function bucket(n) {
  if (n <= 65536) { let s = 512; while (s < n) s *= 2; return s; }
  return Math.ceil(n / 65536) * 65536;
}
function pad(payload) {
  const s = bucket(4 + payload.length);
  const o = new Uint8Array(s);
  o.set(u32(payload.length), 0); o.set(payload, 4);
  return o;
}

// §5 note envelope
function sealNote(k, userID, noteID, rev, payload, nonce) {
  const nk = hk(k.key, cat(enc.encode('cipherleaf/v1/note'), uuid16(noteID)));
  const ad = cat(enc.encode('cipherleaf/v1/note'), u8(1), u32(k.gen), uuid16(userID), uuid16(noteID), u64(rev));
  return cat(u8(1), u32(k.gen), nonce, seal(nk, nonce, pad(payload), ad));
}

// ---- manifest (§10.2, §10.4) ----
function manifestVectors() {
  const userID = detUUID('manifest/user');
  const dev1 = detUUID('manifest/device-1');
  const dev2 = detUUID('manifest/device-2');
  const cases = [];
  // header: 0x01 = D over every row (read only), 0x02 = D over live notes
  // (the one written), §10.3/§10.4. Cases without hdr keep 0x01 so their
  // bytes stay as first generated.
  const mk = (name, k, version, payloadObj, hdr = 1) => {
    const payload = enc.encode(JSON.stringify(payloadObj));
    const nonce = det('manifest/nonce/' + name, 24);
    const mkey = hk(k.key, 'cipherleaf/v1/manifest');
    const ad = cat(enc.encode('cipherleaf/v1/manifest'), u8(hdr), u32(k.gen), uuid16(userID), u64(version));
    const blob = cat(u8(hdr), u32(k.gen), nonce, seal(mkey, nonce, payload, ad));
    cases.push({ name, header: hdr, account_key: hex(k.key), generation: k.gen, user_id: userID, version, nonce: hex(nonce),
      payload: new TextDecoder().decode(payload), manifest_key: hex(mkey), ad: hex(ad), blob: hex(blob) });
    return blob;
  };
  const k1 = ak(1, 'manifest/ak1');
  const k2 = ak(2, 'manifest/ak2');
  const zero = '0'.repeat(64);
  const d1 = hex(det('manifest/digest1', 32));
  const b1 = mk('first-version', k1, 1, { v: 1, version: 1, prev: '', count: 0, digest: zero, writer: dev1, heads: { [dev1]: { version: 1, prev: '' } } });
  const prev1 = hex(sha256(b1));
  const b2 = mk('second-writer', k1, 2, { v: 1, version: 2, prev: prev1, count: 3, digest: d1, writer: dev2,
    heads: { [dev1]: { version: 1, prev: '' }, [dev2]: { version: 2, prev: prev1 } } });
  const prev2 = hex(sha256(b2));
  const b3 = mk('after-rotation', k2, 3, { v: 1, version: 3, prev: prev2, count: 3, digest: d1, writer: dev1,
    heads: { [dev1]: { version: 3, prev: prev2 }, [dev2]: { version: 2, prev: prev1 } } });
  const prev3 = hex(sha256(b3));
  const d2 = hex(det('manifest/digest2', 32));
  mk('live-only-digest', k2, 4, { v: 1, version: 4, prev: prev3, count: 2, digest: d2, writer: dev2,
    heads: { [dev1]: { version: 3, prev: prev2 }, [dev2]: { version: 4, prev: prev3 } } }, 2);
  mk('live-only-first-version', k1, 1, { v: 1, version: 1, prev: '', count: 0, digest: zero, writer: dev1, heads: { [dev1]: { version: 1, prev: '' } } }, 2);
  return cases;
}

// ---- set digest (§10.3) ----
function setDigestVectors() {
  const k = ak(4, 'digest/ak');
  const dk = hk(k.key, 'cipherleaf/v1/digest');
  const M = 1n << 256n;
  const big = (b) => BigInt('0x' + hex(b));
  const toHex = (x) => x.toString(16).padStart(64, '0');
  const notes = [
    { id: detUUID('digest/n1'), rev: 1, deleted: false, blob: det('digest/blob1', 45) },
    { id: detUUID('digest/n2'), rev: 7, deleted: false, blob: det('digest/blob2', 600) },
    { id: detUUID('digest/n3'), rev: 2, deleted: true, blob: new Uint8Array(0) },
    { id: detUUID('digest/n4'), rev: 2 ** 40 + 3, deleted: false, blob: det('digest/blob4', 1) },
  ];
  let sum = 0n;
  const entries = notes.map((n) => {
    const msg = cat(uuid16(n.id), u64(n.rev), u8(n.deleted ? 1 : 0), sha256(n.blob));
    const e = hmac(sha256, dk, msg);
    sum = (sum + big(e)) % M;
    return { id: n.id, rev: n.rev, deleted: n.deleted, blob: hex(n.blob), blob_hash: hex(sha256(n.blob)), entry: hex(e), sum_after: toHex(sum) };
  });
  // §10.3: D and count over live notes only (the 0x02 rule); the sums
  // above are the 0x01 rule, over every row.
  let live = 0n;
  entries.forEach((e) => { if (!e.deleted) live = (live + big(Buffer.from(e.entry, 'hex'))) % M; });
  const liveCount = notes.filter((n) => !n.deleted).length;
  const removed = (sum - big(Buffer.from(entries[1].entry, 'hex')) + M) % M;
  // Wrapping: adding entry values to a sum near 2^256 wraps mod 2^256.
  const nearTop = M - 5n;
  const wrapped = (nearTop + big(Buffer.from(entries[0].entry, 'hex'))) % M;
  return {
    account_key: hex(k.key), generation: k.gen, digest_key: hex(dk), entries,
    digest: toHex(sum), count: notes.length,
    live_digest: toHex(live), live_count: liveCount,
    without_second: toHex(removed),
    wrap_start: toHex(nearTop), wrap_add_first: toHex(wrapped),
  };
}

// ---- rotation chain (§3, §3.1 L2) ----
// follow implements L2 from the prose: only the current key opens, only
// g+1, the current key kept with its bytes, same generation ⇒ same bytes,
// the result is the union newest first.
function follow(bundle, successors) {
  let cur = bundle;
  for (let progress = true; progress;) {
    progress = false;
    for (const s of successors) {
      let nb;
      try { nb = decBundle(unwrap(cur[0].key, s, 'rotation')); } catch { continue; }
      if (nb[0].gen !== cur[0].gen + 1) continue;
      const mine = new Map(cur.map((k) => [k.gen, hex(k.key)]));
      if (!nb.some((k) => k.gen === cur[0].gen)) continue;
      if (nb.some((k) => mine.has(k.gen) && mine.get(k.gen) !== hex(k.key))) continue;
      const theirs = new Set(nb.map((k) => k.gen));
      cur = [...nb, ...cur.filter((k) => !theirs.has(k.gen))].sort((a, b) => b.gen - a.gen).slice(0, 64);
      progress = true;
    }
  }
  return cur;
}

function rotationVectors() {
  const k1 = ak(1, 'rot/ak1'), k2 = ak(2, 'rot/ak2'), k3 = ak(3, 'rot/ak3'), k4 = ak(4, 'rot/ak4');
  const B1 = [k1], B2 = [k2, k1], B3 = [k3, k2, k1], B4 = [k4, k3]; // B4: rotated after pruning to [k3]
  const s2 = wrap(k1.key, encBundle(B2), 'rotation', det('rot/n2', 24));
  const s3 = wrap(k2.key, encBundle(B3), 'rotation', det('rot/n3', 24));
  const s4 = wrap(k3.key, encBundle(B4), 'rotation', det('rot/n4', 24));
  const attacker = { gen: 0xffffffff, key: det('rot/attacker', 32) };
  const evil3 = { gen: 3, key: det('rot/evil3', 32) };
  const forgedRetired = wrap(k1.key, encBundle([evil3, k2, k1]), 'rotation', det('rot/forged-retired', 24));
  const forgedJump = wrap(k2.key, encBundle([attacker, k2, k1]), 'rotation', det('rot/forged-jump', 24));
  const k2x = { gen: 2, key: det('rot/ak2-changed', 32) };
  const forgedChanged = wrap(k2.key, encBundle([evil3, k2x]), 'rotation', det('rot/forged-changed', 24));
  const forgedDropped = wrap(k2.key, encBundle([evil3, k1]), 'rotation', det('rot/forged-dropped', 24));
  const k1x = { gen: 1, key: det('rot/ak1-changed', 32) };
  const forgedOld = wrap(k2.key, encBundle([evil3, k2, k1x]), 'rotation', det('rot/forged-old-changed', 24));
  const chain = [s2, s3, s4];
  const keys = { 1: k1, 2: k2, 3: k3, 4: k4 };
  const cases = [
    ['from-generation-1', B1, chain],
    ['from-generation-2', B2, chain],
    ['from-generation-3-pruned', [k3], chain],
    ['newest-first-order', B1, [s4, s3, s2]],
    ['current-already', [k4, k3], chain],
    ['forged-by-retired-key', B2, [forgedRetired]],
    ['forged-jump-to-last-generation', B2, [forgedJump]],
    ['forged-changes-current-key', B2, [forgedChanged]],
    ['forged-drops-current-key', B2, [forgedDropped]],
    ['forged-changes-older-key', B2, [forgedOld]],
    ['forged-then-genuine', B2, [forgedJump, forgedRetired, s3, s4]],
  ].map(([name, start, succ]) => ({ name, start: hex(encBundle(start)), successors: succ.map(hex), reached: hex(encBundle(follow(start, succ))) }));
  return { keys: Object.fromEntries(Object.entries(keys).map(([g, k]) => [g, hex(k.key)])), successors: chain.map(hex), cases };
}

// ---- recovery key printing (§6) ----
function base32(b) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, val = 0, o = '';
  for (const x of b) { val = (val << 8) | x; bits += 8; while (bits >= 5) { o += A[(val >>> (bits - 5)) & 31]; bits -= 5; } val &= (1 << bits) - 1; }
  if (bits > 0) o += A[(val << (5 - bits)) & 31];
  return o;
}
const printRecovery = (r) => base32(cat(r, sha256(r).slice(0, 2))).match(/.{1,5}/g).join('-');

// ---- backup file (§9) ----
function backupVectors() {
  const password = 'correct horse battery staple';
  const salt = det('backup/salt', 16);
  const t = 1, m = 64, p = 1;
  const ikm = argon2id(enc.encode(password.normalize('NFC')), salt, { t, m, p, dkLen: 64 });
  const kek = hk(ikm, 'cipherleaf/v1/kek');
  const r = det('backup/recovery', 32);
  const rwk = hk(r, 'cipherleaf/v1/recovery-wrap');
  const k3 = ak(3, 'backup/ak3'), k2 = ak(2, 'backup/ak2');
  const bundle = [k3, k2];
  const userID = detUUID('backup/user');
  const created = '2026-11-29T12:00:00Z';
  const notes = [
    { id: detUUID('backup/note-a'), rev: 3, gen: k3, payload: { v: 1, title: 'Groceries', body: '- milk\n- eggs', tags: ['home'], created: '2026-11-24T10:00:00Z', modified: '2026-11-25T08:00:00Z' } },
    { id: detUUID('backup/note-b'), rev: 1, gen: k2, payload: { v: 1, title: 'Ünïcode ✓', body: 'sealed under the older generation', tags: [], created: '2026-11-20T09:00:00Z', modified: '2026-11-20T09:00:00Z' } },
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
  const fileNotes = notes.map((n) => ({ id: n.id, rev: n.rev, blob: b64(sealNote(n.gen, userID, n.id, n.rev, enc.encode(JSON.stringify(n.payload)), det('backup/nonce/' + n.id, 24))) }));
  const index = JSON.stringify({ user_id: userID, created, notes: fileNotes.map((n) => ({ id: n.id, rev: n.rev })) });
  const file = {
    v: 1, created, username: 'alice', user_id: userID, server: 'https://notes.example:8443',
    kdf: { alg: 'argon2id', v: 19, t, m, p, salt: b64(salt) },
    wrapped_key: b64(wrap(kek, encBundle(bundle), 'password', det('backup/wk-nonce', 24))),
    recovery_wrapped_key: b64(wrap(rwk, encBundle(bundle), 'recovery', det('backup/rwk-nonce', 24))),
    index_gen: 3,
    index: b64(wrap(k3.key, enc.encode(index), 'backup', det('backup/index-nonce', 24))),
    notes: fileNotes,
  };
  const text = 'CIPHERLEAF-BACKUP 1\n' + JSON.stringify(file);
  // Tampered variants that a reader must refuse.
  const dropped = { ...file, notes: file.notes.slice(1) };
  const swapped = { ...file, notes: [{ ...file.notes[0], rev: file.notes[0].rev + 1 }, file.notes[1]] };
  return {
    password, recovery_key: printRecovery(r), kek: hex(kek), recovery_wrap_key: hex(rwk), bundle: hex(encBundle(bundle)),
    file: text,
    notes: notes.map((n) => ({ title: n.payload.title, body: n.payload.body, tags: n.payload.tags })),
    tampered: [
      { name: 'note-dropped', file: 'CIPHERLEAF-BACKUP 1\n' + JSON.stringify(dropped) },
      { name: 'revision-changed', file: 'CIPHERLEAF-BACKUP 1\n' + JSON.stringify(swapped) },
    ],
  };
}

// ---- backup file version 2: attachments (§9.1, §11.2) ----
const ACHUNK = 65536;
function sealAttachment(userID, attID, ka, prefix, content) {
  const ck = hk(ka, 'cipherleaf/v1/attachment');
  const ad = cat(enc.encode('cipherleaf/v1/attachment'), u8(1), uuid16(userID), uuid16(attID));
  const S = content.length <= ACHUNK ? bucket(Math.max(content.length, 1)) : Math.ceil(content.length / ACHUNK) * ACHUNK;
  const P = new Uint8Array(S);
  P.set(content);
  const n = Math.max(1, Math.ceil(S / ACHUNK));
  const parts = [u8(1), prefix];
  for (let i = 0; i < n; i++) {
    const nonce = cat(prefix, u64(i), u8(i === n - 1 ? 1 : 0));
    parts.push(seal(ck, nonce, P.subarray(i * ACHUNK, Math.min((i + 1) * ACHUNK, S)), ad));
  }
  return { blob: cat(...parts), chunks: n };
}

function backup2Vectors() {
  const password = 'correct horse battery staple';
  const salt = det('backup2/salt', 16);
  const t = 1, m = 64, p = 1;
  const ikm = argon2id(enc.encode(password.normalize('NFC')), salt, { t, m, p, dkLen: 64 });
  const kek = hk(ikm, 'cipherleaf/v1/kek');
  const k5 = ak(5, 'backup2/ak5');
  const bundle = [k5];
  const userID = detUUID('backup2/user');
  const created = '2026-11-29T20:00:00Z';
  // Two attachments: 1000 bytes (one chunk) and 65537 bytes (two chunks).
  const atts = [
    { label: 'small', name: 'receipt.txt', type: 'text/plain', content: det('backup2/content/small', 1000) },
    { label: 'large', name: 'photo.png', type: 'image/png', content: det('backup2/content/large', 65537) },
  ].map((a) => {
    const id = detUUID('backup2/att/' + a.label);
    const ka = det('backup2/ka/' + a.label, 32);
    const { blob, chunks } = sealAttachment(userID, id, ka, det('backup2/prefix/' + a.label, 15), a.content);
    return { ...a, id, ka, blob, chunks };
  }).sort((a, b) => (a.id < b.id ? -1 : 1));
  const refs = atts.map((a) => ({ id: a.id, name: a.name, type: a.type, size: a.content.length, chunks: a.chunks, sha256: hex(sha256(a.content)), key: b64(a.ka) }));
  const notes = [
    { id: detUUID('backup2/note-a'), rev: 2, payload: { v: 1, title: 'Trip', body: 'files below', tags: [], created: '2026-11-28T10:00:00Z', modified: '2026-11-28T11:00:00Z', attachments: refs } },
    { id: detUUID('backup2/note-b'), rev: 1, payload: { v: 1, title: 'Plain', body: 'no files', tags: ['x'], created: '2026-11-27T10:00:00Z', modified: '2026-11-27T10:00:00Z' } },
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
  const fileNotes = notes.map((n) => ({ id: n.id, rev: n.rev, blob: b64(sealNote(k5, userID, n.id, n.rev, enc.encode(JSON.stringify(n.payload)), det('backup2/nonce/' + n.id, 24))) }));
  const list = atts.map((a) => ({ id: a.id, size: a.blob.length }));
  const build = (lst, blobs, idxList = lst) => {
    const index = JSON.stringify({ user_id: userID, created, notes: fileNotes.map((n) => ({ id: n.id, rev: n.rev })), attachments: idxList });
    const file = {
      v: 2, created, username: 'bob', user_id: userID, server: 'https://notes.example:8443',
      kdf: { alg: 'argon2id', v: 19, t, m, p, salt: b64(salt) },
      wrapped_key: b64(wrap(kek, encBundle(bundle), 'password', det('backup2/wk-nonce', 24))),
      index_gen: 5,
      index: b64(wrap(k5.key, enc.encode(index), 'backup', det('backup2/index-nonce', 24))),
      notes: fileNotes,
      attachments: lst,
    };
    return cat(enc.encode('CIPHERLEAF-BACKUP 2\n' + JSON.stringify(file) + '\n'), ...blobs);
  };
  const blobs = atts.map((a) => a.blob);
  const large = atts.findIndex((a) => a.chunks === 2);
  const SC = ACHUNK + 16;
  const reordered = blobs.map((b, i) => (i !== large ? b : cat(b.slice(0, 16), b.slice(16 + SC), b.slice(16, 16 + SC))));
  const flipped = blobs.map((b, i) => { if (i !== large) return b; const c = b.slice(); c[100] ^= 1; return c; });
  const truncated = blobs.map((b, i) => (i !== large ? b : b.slice(0, b.length - 1)));
  return {
    password, user_id: userID,
    file: b64(build(list, blobs)),
    notes: notes.map((n) => ({ title: n.payload.title, attachments: (n.payload.attachments || []).length })),
    attachments: atts.map((a) => ({ id: a.id, name: a.name, size: a.content.length, chunks: a.chunks, sha256: hex(sha256(a.content)), content: b64(a.content), blob_size: a.blob.length })),
    tampered: [
      // Every variant keeps the index of the genuine file unless said.
      { name: 'blob-dropped-from-list-and-index', file: b64(build([list[1 - large]], [blobs[1 - large]])) },
      { name: 'blob-missing', file: b64(build(list, [blobs[0]])) },
      { name: 'blob-truncated', file: b64(build(list, truncated)) },
      { name: 'chunks-reordered', file: b64(build(list, reordered)) },
      { name: 'blobs-swapped', file: b64(build(list, [blobs[1], blobs[0]])) },
      { name: 'byte-appended', file: b64(cat(build(list, blobs), u8(0))) },
      { name: 'bit-flipped', file: b64(build(list, flipped)) },
      { name: 'size-changed-in-list', file: b64(build(list.map((e, i) => (i === large ? { ...e, size: e.size - 1 } : e)), truncated, list)) },
    ],
  };
}

const write = (name, v) => writeFileSync(join(out, name), JSON.stringify(v, null, 2) + '\n');
write('manifest.json', manifestVectors());
write('setdigest.json', setDigestVectors());
write('rotation.json', rotationVectors());
write('backup.json', backupVectors());
write('backup2.json', backup2Vectors());
console.log('wrote manifest.json setdigest.json rotation.json backup.json backup2.json to', out);
