#pragma once
// The C++ side of glyph_raster.js: glyphs drawn by the browser's own fonts
// through a 2D canvas, read back as RGBA cells for the font texture.

#include <cstddef>
#include <vector>

namespace chat_web {

class GlyphRasterizer {
 public:
  struct Glyph {
    float advance = 0.0f;  // pen advance, device pixels
    // The ink's box inside the cell, in pixels; empty (x1 <= x0) for blanks.
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool colored = false;  // its own colours (emoji): ImGui must not tint it
  };

  // Sets the text size: a line (ascent + descent) of `line_px` device
  // pixels, as ImGui's FontSize counts. Returns the baseline's distance
  // from the line's top.
  float set_line_height(float line_px);

  // Draws each code point into a cell of cell_w x cell_h pixels with its pen
  // at (origin_x, origin_y) in the cell. `pixels` gets each cell's RGBA,
  // cell after cell; `glyphs` one entry per code point.
  void draw(const std::vector<char32_t>& code_points, int cell_w, int cell_h, int origin_x, int origin_y,
            std::vector<unsigned char>& pixels, std::vector<Glyph>& glyphs);
};

}  // namespace chat_web
