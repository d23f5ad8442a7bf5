// The pixels of a PNG screenshot, so that a browser test can compare what is
// on screen (a region before and after a wheel, a glyph against blank)
// rather than trust the page's own account. Reads what both browsers write:
// 8-bit greyscale, RGB or RGBA (with or without alpha), not interlaced.

import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 };  // colour type -> samples per pixel

// The PNG filter predictor (Paeth).
function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

export class PngImage {
  // `rgba`: width * height * 4 bytes, row after row.
  constructor(width, height, rgba) {
    this.width = width;
    this.height = height;
    this.rgba = rgba;
  }

  static decode(buffer) {
    if (!Buffer.isBuffer(buffer)) buffer = Buffer.from(buffer);
    if (!buffer.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
    let offset = 8;
    let width = 0;
    let height = 0;
    let channels = 0;
    const data = [];
    while (offset + 8 <= buffer.length) {
      const length = buffer.readUInt32BE(offset);
      const type = buffer.toString('latin1', offset + 4, offset + 8);
      const body = buffer.subarray(offset + 8, offset + 8 + length);
      offset += 12 + length;
      if (type === 'IHDR') {
        width = body.readUInt32BE(0);
        height = body.readUInt32BE(4);
        const [depth, colourType, , , interlace] = body.subarray(8, 13);
        channels = CHANNELS[colourType];
        if (depth !== 8 || !channels || interlace !== 0) {
          throw new Error(`unsupported PNG: depth ${depth}, colour type ${colourType}, interlace ${interlace}`);
        }
      } else if (type === 'IDAT') {
        data.push(body);
      } else if (type === 'IEND') {
        break;
      }
    }
    const raw = inflateSync(Buffer.concat(data));
    const stride = width * channels;
    const rows = Buffer.alloc(stride * height);
    for (let y = 0; y < height; ++y) {
      const filter = raw[y * (stride + 1)];
      const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
      for (let x = 0; x < stride; ++x) {
        const left = x >= channels ? rows[y * stride + x - channels] : 0;
        const up = y > 0 ? rows[(y - 1) * stride + x] : 0;
        const upLeft = y > 0 && x >= channels ? rows[(y - 1) * stride + x - channels] : 0;
        const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
        if (predictor === undefined) throw new Error(`bad PNG filter ${filter}`);
        rows[y * stride + x] = (line[x] + predictor) & 0xff;
      }
    }
    const rgba = Buffer.alloc(width * height * 4);
    for (let i = 0; i < width * height; ++i) {
      const s = rows.subarray(i * channels, (i + 1) * channels);
      const [r, g, b, a] = channels >= 3 ? [s[0], s[1], s[2], channels === 4 ? s[3] : 255]
        : [s[0], s[0], s[0], channels === 2 ? s[1] : 255];
      rgba.set([r, g, b, a], i * 4);
    }
    return new PngImage(width, height, rgba);
  }

  pixel(x, y) {
    const i = (y * this.width + x) * 4;
    return [...this.rgba.subarray(i, i + 4)];
  }

  // How many pixels differ from `other` (same size) by more than `tolerance`
  // in any channel.
  countDiffering(other, tolerance = 8) {
    if (other.width !== this.width || other.height !== this.height) {
      throw new Error(`sizes differ: ${this.width}x${this.height} vs ${other.width}x${other.height}`);
    }
    let count = 0;
    for (let i = 0; i < this.rgba.length; i += 4) {
      for (let c = 0; c < 4; ++c) {
        if (Math.abs(this.rgba[i + c] - other.rgba[i + c]) > tolerance) {
          ++count;
          break;
        }
      }
    }
    return count;
  }

  // How many pixels differ from the top-left one (a blank region: 0).
  countNotBackground(tolerance = 8) {
    const background = this.rgba.subarray(0, 4);
    let count = 0;
    for (let i = 0; i < this.rgba.length; i += 4) {
      if ([0, 1, 2].some((c) => Math.abs(this.rgba[i + c] - background[c]) > tolerance)) ++count;
    }
    return count;
  }
}
