// Generates shared/testdata/attachment.json from SPEC §11.2 alone, with
// @noble/ciphers and @noble/hashes: an implementation independent of the
// Go code, so a bug in cryptobox cannot approve itself.
//
//   cd shared/testdata/gen && npm ci && node attachment.mjs > ../attachment.json
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

const CHUNK = 65536;
const enc = new TextEncoder();
const hex = (b) => Buffer.from(b).toString('hex');
const uuidRaw = (s) => Uint8Array.from(Buffer.from(s.replaceAll('-', ''), 'hex'));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
const u64be = (x) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(x)); return b; };

// bucket(L) of SPEC §11.2.
function bucket(L) {
  if (L <= CHUNK) { let s = 512; while (s < L) s *= 2; return s; }
  return Math.ceil(L / CHUNK) * CHUNK;
}

function seal(userID, attID, ka, prefix, content) {
  const ck = hkdf(sha256, ka, new Uint8Array(0), enc.encode('cipherleaf/v1/attachment'), 32);
  const ad = concat(enc.encode('cipherleaf/v1/attachment'), Uint8Array.of(1), uuidRaw(userID), uuidRaw(attID));
  const S = bucket(content.length);
  const P = new Uint8Array(S);
  P.set(content);
  const n = Math.max(1, Math.ceil(S / CHUNK));
  const parts = [Uint8Array.of(1), prefix];
  for (let i = 0; i < n; i++) {
    const nonce = concat(prefix, u64be(i), Uint8Array.of(i === n - 1 ? 1 : 0));
    parts.push(xchacha20poly1305(ck, nonce, ad).encrypt(P.subarray(i * CHUNK, Math.min((i + 1) * CHUNK, S))));
  }
  return { blob: concat(...parts), chunks: n, padded: S, ck, ad };
}

// content(len): byte i is (i*31 + 7) mod 256, so large contents need not be stored.
const content = (len) => Uint8Array.from({ length: len }, (_, i) => (i * 31 + 7) & 0xff);

const userID = '5f0c8a4e-2d1b-4c3a-9e8f-7a6b5c4d3e2f';
const vectors = [];
const sizes = [0, 1, 1000, 65535, 65536, 65537, 200000];
sizes.forEach((len, k) => {
  const attID = `0a1b2c3d-4e5f-4a6b-8c7d-${(0x0e0f10111200 + k).toString(16).padStart(12, '0')}`;
  const ka = Uint8Array.from({ length: 32 }, (_, i) => (i + 1 + 17 * k) & 0xff);
  const prefix = Uint8Array.from({ length: 15 }, (_, i) => (0xa0 + i + k) & 0xff);
  const c = content(len);
  const { blob, chunks, padded, ck, ad } = seal(userID, attID, ka, prefix, c);
  const v = {
    name: `${len} bytes`, user_id: userID, attachment_id: attID,
    key: hex(ka), chunk_key: hex(ck), ad: hex(ad), prefix: hex(prefix),
    size: len, padded, chunks, blob_size: blob.length,
    content_sha256: hex(sha256(c)), blob_sha256: hex(sha256(blob)),
  };
  if (blob.length <= 2048) v.blob = hex(blob);
  vectors.push(v);
});

console.log(JSON.stringify({
  spec: 'SPEC §11.2',
  generator: 'shared/testdata/gen/attachment.mjs (Node.js, @noble/ciphers 2.4.0, @noble/hashes 2.4.0)',
  content_rule: 'byte i of the content is (i*31 + 7) mod 256',
  vectors,
}, null, 1));
