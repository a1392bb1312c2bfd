import { deflateSync } from "node:zlib";

/**
 * A QR code (ISO/IEC 18004, byte mode, error correction level L, versions 1–20) rendered as a
 * PNG, for CreateVirtualMFADevice's QRCodePNG: an authenticator app scans the otpauth:// URI.
 */

// Level L: [EC codewords per block, blocks of group 1, data codewords each, blocks of group 2, data codewords each].
const LEVEL_L: Array<[number, number, number, number, number]> = [
  [7, 1, 19, 0, 0], [10, 1, 34, 0, 0], [15, 1, 55, 0, 0], [20, 1, 80, 0, 0], [26, 1, 108, 0, 0],
  [18, 2, 68, 0, 0], [20, 2, 78, 0, 0], [24, 2, 97, 0, 0], [30, 2, 116, 0, 0], [18, 2, 68, 2, 69],
  [20, 4, 81, 0, 0], [24, 2, 92, 2, 93], [26, 4, 107, 0, 0], [30, 3, 115, 1, 116], [22, 5, 87, 1, 88],
  [24, 5, 98, 1, 99], [28, 1, 107, 5, 108], [30, 5, 120, 1, 121], [28, 3, 113, 4, 114], [28, 3, 107, 5, 108],
];

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++, x = (x << 1) ^ (x & 0x80 ? 0x11d : 0)) {
  EXP[i] = x;
  LOG[x] = i;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
const mul = (a: number, b: number) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);

function reedSolomon(data: number[], n: number): number[] {
  let gen = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array(gen.length + 1).fill(0);
    gen.forEach((g, j) => {
      next[j] ^= g;
      next[j + 1] ^= mul(g, EXP[i]);
    });
    gen = next;
  }
  const rem = [...data, ...new Array(n).fill(0)];
  for (let i = 0; i < data.length; i++) {
    const f = rem[i];
    if (f) for (let j = 1; j < gen.length; j++) rem[i + j] ^= mul(gen[j], f);
  }
  return rem.slice(data.length);
}

function alignmentPositions(version: number, size: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
  const out = [6];
  for (let pos = size - 7; out.length < count; pos -= step) out.splice(1, 0, pos);
  return out;
}

const bch = (value: number, poly: number, bits: number) => {
  let v = value << bits;
  const top = Math.floor(Math.log2(poly));
  while (v && Math.floor(Math.log2(v)) >= top) v ^= poly << (Math.floor(Math.log2(v)) - top);
  return (value << bits) | v;
};

/** The matrix of modules (true = dark) encoding `text` in byte mode. */
export function qrMatrix(text: string): boolean[][] {
  const bytes = Buffer.from(text, "utf8");
  const version = LEVEL_L.findIndex(([, b1, d1, b2, d2], i) => b1 * d1 + b2 * d2 >= bytes.length + (i + 1 >= 10 ? 3 : 2)) + 1;
  if (version === 0) throw new Error("text too long for a QR code");
  const [ecLen, b1, d1, b2, d2] = LEVEL_L[version - 1];
  const capacity = b1 * d1 + b2 * d2;

  // Data bits: mode 0100, length, bytes, terminator, padding.
  const bits: number[] = [];
  const push = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  push(4, 4);
  push(bytes.length, version >= 10 ? 16 : 8);
  for (const b of bytes) push(b, 8);
  push(0, Math.min(4, capacity * 8 - bits.length));
  while (bits.length % 8) bits.push(0);
  const data: number[] = [];
  for (let i = 0; i < bits.length; i += 8) data.push(parseInt(bits.slice(i, i + 8).join(""), 2));
  for (let pad = 0xec; data.length < capacity; pad ^= 0xec ^ 0x11) data.push(pad);

  // Blocks with their EC codewords, interleaved.
  const blocks: number[][] = [];
  let at = 0;
  for (let i = 0; i < b1 + b2; i++) {
    const len = i < b1 ? d1 : d2;
    blocks.push(data.slice(at, at + len));
    at += len;
  }
  const ecs = blocks.map((b) => reedSolomon(b, ecLen));
  const codewords: number[] = [];
  for (let i = 0; i < Math.max(d1, d2); i++) for (const b of blocks) if (i < b.length) codewords.push(b[i]);
  for (let i = 0; i < ecLen; i++) for (const e of ecs) codewords.push(e[i]);

  const size = version * 4 + 17;
  const dark: boolean[][] = Array.from({ length: size }, () => new Array(size).fill(false));
  const fixed: boolean[][] = Array.from({ length: size }, () => new Array(size).fill(false));
  const set = (r: number, c: number, v: boolean) => {
    if (r < 0 || c < 0 || r >= size || c >= size) return;
    dark[r][c] = v;
    fixed[r][c] = true;
  };
  for (const [r0, c0] of [[0, 0], [0, size - 7], [size - 7, 0]]) {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        set(r0 + r, c0 + c, ring !== 2 && ring !== 4);
      }
    }
  }
  const align = alignmentPositions(version, size);
  for (const r of align) {
    for (const c of align) {
      if (fixed[r][c]) continue; // overlaps a finder pattern
      for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) set(r + dr, c + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
    }
  }
  for (let i = 8; i < size - 8; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  set(size - 8, 8, true); // the dark module

  // Format areas are reserved before the data goes in; their bits depend on the mask.
  const xy = (x: number, y: number, v: boolean) => set(y, x, v); // (x, y) = (column, row), as the standard draws them
  const drawFormat = (mask: number) => {
    const format = bch((1 << 3) | mask, 0x537, 10) ^ 0x5412; // level L (01), BCH(15,5)
    const fbit = (i: number) => ((format >>> i) & 1) === 1;
    for (let i = 0; i <= 5; i++) xy(8, i, fbit(i));
    xy(8, 7, fbit(6));
    xy(8, 8, fbit(7));
    xy(7, 8, fbit(8));
    for (let i = 9; i < 15; i++) xy(14 - i, 8, fbit(i));
    for (let i = 0; i < 8; i++) xy(size - 1 - i, 8, fbit(i));
    for (let i = 8; i < 15; i++) xy(8, size - 15 + i, fbit(i));
  };
  drawFormat(0);
  if (version >= 7) {
    const info = bch(version, 0x1f25, 12);
    for (let i = 0; i < 18; i++) {
      const v = ((info >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(a, b, v);
      set(b, a, v);
    }
  }

  // Codeword bits in the zigzag order, unmasked.
  let bit = 0;
  const total = codewords.length * 8;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const c = right - j;
        const upward = ((right + 1) & 2) === 0;
        const r = upward ? size - 1 - vert : vert;
        if (fixed[r][c]) continue;
        dark[r][c] = bit < total ? ((codewords[bit >>> 3] >>> (7 - (bit & 7))) & 1) === 1 : false;
        bit++;
      }
    }
  }

  // The mask with the lowest penalty, as the standard chooses it.
  const unmasked = dark.map((row) => [...row]);
  let best: { penalty: number; matrix: boolean[][] } | undefined;
  for (let mask = 0; mask < 8; mask++) {
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) dark[r][c] = fixed[r][c] ? dark[r][c] : unmasked[r][c] !== MASKS[mask](r, c);
    drawFormat(mask);
    const p = penalty(dark);
    if (!best || p < best.penalty) best = { penalty: p, matrix: dark.map((row) => [...row]) };
  }
  return best!.matrix;
}

const MASKS: Array<(r: number, c: number) => boolean> = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

const FINDER_LIKE = ["10111010000", "00001011101"];

/** The four penalty rules: runs, 2x2 blocks, finder-like patterns, dark/light balance. */
function penalty(m: boolean[][]): number {
  const n = m.length;
  let score = 0;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(m[i].map((v) => (v ? "1" : "0")).join(""));
    lines.push(m.map((row) => (row[i] ? "1" : "0")).join(""));
  }
  for (const line of lines) {
    for (const run of line.match(/0{5,}|1{5,}/g) ?? []) score += run.length - 2;
    for (const f of FINDER_LIKE) for (let at = line.indexOf(f); at >= 0; at = line.indexOf(f, at + 1)) score += 40;
  }
  let darkCount = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (m[r][c]) darkCount++;
      if (r < n - 1 && c < n - 1 && m[r][c] === m[r][c + 1] && m[r][c] === m[r + 1][c] && m[r][c] === m[r + 1][c + 1]) score += 3;
    }
  }
  return score + Math.floor(Math.abs((darkCount * 100) / (n * n) - 50) / 5) * 10;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A grayscale PNG of the code, `scale` pixels a module, with the 4-module quiet zone. */
export function qrPng(text: string, scale = 4): Buffer {
  const matrix = qrMatrix(text);
  const modules = matrix.length + 8;
  const px = modules * scale;
  const rows: Buffer[] = [];
  for (let y = 0; y < px; y++) {
    const row = Buffer.alloc(px + 1, 255);
    row[0] = 0; // filter: none
    const r = Math.floor(y / scale) - 4;
    for (let x = 0; x < px; x++) {
      const c = Math.floor(x / scale) - 4;
      if (r >= 0 && c >= 0 && r < matrix.length && c < matrix.length && matrix[r][c]) row[x + 1] = 0;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(px, 0);
  header.writeUInt32BE(px, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
