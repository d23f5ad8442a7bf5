// Glyphs drawn by the browser's own fonts, for the client's ImGui atlas
// (glyph_rasterizer.cpp calls these; linked with --js-library).
//
// Why: the page ships no font. A 2D canvas draws each code point with the
// font stack below, so the browser picks whatever font the system has for
// it (Latin, Cyrillic, Greek, CJK, colour emoji) exactly as it would for
// HTML text; we read the pixels back and the C++ side copies them into the
// font texture. One canvas and one getImageData per batch: reading pixels
// back is the slow part, and it is paid once for many glyphs.
//
// Each glyph is drawn on its own, so nothing is shaped: ZWJ sequences,
// skin-tone modifiers and flags come out as their parts, Arabic letters in
// their isolated forms, Indic clusters unformed, and there is no bidi.

mergeInto(LibraryManager.library, {
  $chatGlyphs: {
    // The page's own text (style.css) first, then CJK families by name for
    // systems whose sans-serif lacks them (the browser falls back per
    // character anyway), and colour emoji last: emoji fonts also map digits
    // and '#', which must come from the text font.
    family: 'system-ui, sans-serif, "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", ' +
      '"Hiragino Sans", "Microsoft YaHei", "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", ' +
      '"Segoe UI Symbol"',
    // For characters shown as emoji by default (Emoji_Presentation: 😀, 🇫,
    // the skin tones), the colour fonts first: text fonts such as DejaVu
    // Sans have monochrome faces for some of them (the emoticons), which a
    // browser would not pick for them either.
    emojiFamily: '"Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", system-ui, sans-serif',
    emojiPresentation: null,  // a RegExp, made by chat_glyph_setup
    font: '',       // the CSS fonts for the current text size (chat_glyph_setup)
    emojiFont: '',
    canvas: null,
    context: null,
    // A 2D context at least width x height; the canvas only ever grows.
    // OffscreenCanvas where there is one: nothing to lay out in the page.
    context2d: function (width, height) {
      if (!chatGlyphs.canvas) {
        chatGlyphs.canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(width, height)
          : document.createElement('canvas');
      }
      var canvas = chatGlyphs.canvas;
      if (canvas.width < width || canvas.height < height || !chatGlyphs.context) {
        // Resizing resets the context's state, so everything is set again by the caller.
        canvas.width = Math.max(canvas.width, width);
        canvas.height = Math.max(canvas.height, height);
        chatGlyphs.context = canvas.getContext('2d', { willReadFrequently: true });
      }
      return chatGlyphs.context;
    },
  },

  // The CSS font size whose line (the font's ascent + descent) is linePx
  // device pixels, as ImGui sizes fonts, and where the baseline lies below
  // the line's top: out[0] = size, out[1] = baseline.
  chat_glyph_setup__deps: ['$chatGlyphs'],
  chat_glyph_setup: function (linePx, out) {
    // (From a string, and here rather than in the object above: Emscripten
    // copies library objects as plain data and its JS optimizer does not
    // parse Unicode property escapes in regex literals.)
    if (!chatGlyphs.emojiPresentation) chatGlyphs.emojiPresentation = new RegExp('\\p{Emoji_Presentation}', 'u');
    var g = chatGlyphs.context2d(1, 1);
    g.font = '100px ' + chatGlyphs.family;
    var m = g.measureText('Hg');
    var ascent = m.fontBoundingBoxAscent;
    var descent = m.fontBoundingBoxDescent;
    if (!(ascent > 0) || !(descent >= 0)) {
      // Browsers without the font's box: the ink of "Hg" is a little smaller.
      ascent = (m.actualBoundingBoxAscent || 72) * 1.1;
      descent = (m.actualBoundingBoxDescent || 21) * 1.1;
    }
    var size = linePx * 100 / (ascent + descent);
    chatGlyphs.font = size.toFixed(3) + 'px ' + chatGlyphs.family;
    chatGlyphs.emojiFont = size.toFixed(3) + 'px ' + chatGlyphs.emojiFamily;
    HEAPF32[out >> 2] = size;
    HEAPF32[(out >> 2) + 1] = linePx * ascent / (ascent + descent);
  },

  // Draws `count` code points (int32 at codePoints), each into a cell of
  // cellW x cellH pixels with its pen at (originX, originY) inside the cell.
  // Writes each cell's RGBA, cell after cell, to `pixels`, and 6 floats per
  // glyph to `metrics`: advance, the ink box x0, y0, x1, y1 in the cell
  // (empty when x1 <= x0), and 1 when the glyph has colours of its own.
  // A monochrome glyph is written white with its coverage as alpha, so that
  // ImGui tints it with the text colour; a colour one (emoji) as drawn.
  chat_glyph_draw__deps: ['$chatGlyphs'],
  chat_glyph_draw: function (codePoints, count, cellW, cellH, originX, originY, pixels, metrics) {
    if (count <= 0) return;
    var columns = Math.max(1, Math.min(count, Math.floor(4096 / cellW)));
    var rows = Math.ceil(count / columns);
    var width = columns * cellW;
    var height = rows * cellH;
    var g = chatGlyphs.context2d(width, height);
    g.clearRect(0, 0, width, height);
    var font = chatGlyphs.font;
    g.font = font;
    g.textBaseline = 'alphabetic';
    g.textAlign = 'left';
    g.fillStyle = '#fff';
    var advances = new Array(count);
    for (var i = 0; i < count; i++) {
      var text = String.fromCodePoint(HEAP32[(codePoints >> 2) + i]);
      var wanted = chatGlyphs.emojiPresentation.test(text) ? chatGlyphs.emojiFont : chatGlyphs.font;
      if (wanted !== font) g.font = font = wanted;
      var x = (i % columns) * cellW;
      var y = Math.floor(i / columns) * cellH;
      // Clipped to its cell: a glyph wider than the cell loses its edge
      // rather than spoil its neighbour.
      g.save();
      g.beginPath();
      g.rect(x, y, cellW, cellH);
      g.clip();
      g.fillText(text, x + originX, y + originY);
      g.restore();
      advances[i] = g.measureText(text).width;
    }
    var data = g.getImageData(0, 0, width, height).data;  // straight (not premultiplied) alpha, as ImGui blends
    var stride = width * 4;
    var cellBytes = cellW * cellH * 4;
    for (var i = 0; i < count; i++) {
      var cx = (i % columns) * cellW;
      var cy = Math.floor(i / columns) * cellH;
      var x0 = cellW, y0 = cellH, x1 = 0, y1 = 0;
      var ink = 0, nonWhite = 0;
      for (var y = 0; y < cellH; y++) {
        var src = (cy + y) * stride + cx * 4;
        for (var x = 0; x < cellW; x++, src += 4) {
          var a = data[src + 3];
          if (a === 0) continue;
          ink++;
          if (x < x0) x0 = x;
          if (x >= x1) x1 = x + 1;
          if (y < y0) y0 = y;
          if (y >= y1) y1 = y + 1;
          // Drawn in white, a monochrome glyph stays white wherever it is
          // not faint; a colour font's glyph has colours, greys or black.
          if (a > 64 && Math.min(data[src], data[src + 1], data[src + 2]) < 200) nonWhite++;
        }
      }
      var colored = nonWhite > Math.max(1, ink * 0.02);
      var out = pixels + i * cellBytes;
      for (var y = 0; y < cellH; y++) {
        var src = (cy + y) * stride + cx * 4;
        var dst = out + y * cellW * 4;
        if (colored) {
          HEAPU8.set(data.subarray(src, src + cellW * 4), dst);
        } else {
          for (var x = 0; x < cellW; x++, src += 4, dst += 4) {
            HEAPU8[dst] = 255;
            HEAPU8[dst + 1] = 255;
            HEAPU8[dst + 2] = 255;
            HEAPU8[dst + 3] = data[src + 3];
          }
        }
      }
      var m = (metrics >> 2) + i * 6;
      HEAPF32[m] = advances[i];
      HEAPF32[m + 1] = x0;
      HEAPF32[m + 2] = y0;
      HEAPF32[m + 3] = x1;
      HEAPF32[m + 4] = y1;
      HEAPF32[m + 5] = colored ? 1 : 0;
    }
  },
});
