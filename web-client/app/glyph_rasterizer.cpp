#include "glyph_rasterizer.hpp"

#include <array>
#include <cmath>
#include <cstdint>

// Implemented in glyph_raster.js (--js-library).
extern "C" {
void chat_glyph_setup(float line_px, float* out);
void chat_glyph_draw(const std::int32_t* code_points, int count, int cell_w, int cell_h, int origin_x, int origin_y,
                     unsigned char* pixels, float* metrics);
}

namespace chat_web {

namespace {
constexpr std::size_t kMetricsPerGlyph = 6;  // advance, x0, y0, x1, y1, colored
}

float GlyphRasterizer::set_line_height(float line_px) {
  std::array<float, 2> out{};
  chat_glyph_setup(line_px, out.data());
  return out[1];
}

void GlyphRasterizer::draw(const std::vector<char32_t>& code_points, int cell_w, int cell_h, int origin_x, int origin_y,
                           std::vector<unsigned char>& pixels, std::vector<Glyph>& glyphs) {
  const std::size_t count = code_points.size();
  std::vector<std::int32_t> points(code_points.begin(), code_points.end());
  std::vector<float> metrics(count * kMetricsPerGlyph);
  pixels.assign(count * static_cast<std::size_t>(cell_w) * static_cast<std::size_t>(cell_h) * 4, 0);
  glyphs.assign(count, Glyph{});
  if (count == 0) return;
  chat_glyph_draw(points.data(), static_cast<int>(count), cell_w, cell_h, origin_x, origin_y, pixels.data(),
                  metrics.data());
  for (std::size_t i = 0; i < count; ++i) {
    const float* m = &metrics[i * kMetricsPerGlyph];
    Glyph& glyph = glyphs[i];
    glyph.advance = m[0];
    glyph.x0 = static_cast<int>(m[1]);
    glyph.y0 = static_cast<int>(m[2]);
    glyph.x1 = static_cast<int>(m[3]);
    glyph.y1 = static_cast<int>(m[4]);
    glyph.colored = m[5] != 0.0f;
  }
}

}  // namespace chat_web
