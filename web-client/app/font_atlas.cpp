#include "font_atlas.hpp"

#include <GLES3/gl3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>

#include <imgui_impl_opengl3.h>

namespace chat_web {

namespace {

// The texture is at most this wide and high. WebGL2 promises 2048 at least;
// a bigger one would cost 64 MB of RGBA at 4096 for little gain.
constexpr int kTextureSide = 2048;
// Room below the grid for ImGui's own rectangles (white pixel, the 65 x 64
// pixel line texture, the space glyph), which may not fit beside it.
constexpr int kImGuiRoom = 96;
// Slots at first (whole rows); the grid doubles when full.
constexpr std::size_t kInitialSlots = 256;
// Glyphs drawn per update(): a history page of CJK text can bring a
// thousand new characters, and a batch this size keeps each frame's hitch
// to a few milliseconds; the rest comes in the next frames.
constexpr std::size_t kBatch = 256;
// Glyph changes kept for layouts (FontAtlas::changed_since): many batches.
constexpr std::size_t kMaxChanges = 16 * kBatch;
// What a code point without a glyph draws as: a zero-wide blank. DEL is a
// control, so no text asks for it by name (GlyphCache::drawable).
constexpr ImWchar kBlank = 0x7F;

// The code points the UI's own labels are made of: printable ASCII, and
// the "…" and "↓" of its messages and buttons.
std::vector<char32_t> base_set() {
  std::vector<char32_t> code_points;
  for (char32_t c = 0x20; c < 0x7F; ++c) code_points.push_back(c);
  code_points.push_back(0x2026);
  code_points.push_back(0x2193);
  return code_points;
}

std::size_t whole_rows(std::size_t slots, std::size_t columns) { return (slots + columns - 1) / columns * columns; }

}  // namespace

FontAtlas::FontAtlas() {
  for (const char32_t c : base_set()) cache_.pin(c);
}

void FontAtlas::request_glyphs(std::string_view utf8_text) { cache_.note_text(utf8_text); }

bool FontAtlas::update(float scale) {
  bool changed = false;
  if (scale != scale_) {
    // A new text size: every glyph must be drawn again at it.
    set_geometry(scale);
    build();
    changed = true;
  } else if (cache_.needs_growth()) {
    // Twice the rows; ImGui packs atlases only whole, so it is a rebuild,
    // and every glyph placed so far is drawn again into the new texture.
    cache_.grow(whole_rows(cache_.capacity() * 2, static_cast<std::size_t>(columns_)));
    build();
    draw_glyphs(cache_.placed());
    changed = true;
  }
  if (cache_.can_place()) {
    std::vector<std::pair<char32_t, std::size_t>> glyphs;
    std::vector<char32_t> evicted;
    for (const auto& placement : cache_.place(kBatch)) {
      glyphs.emplace_back(placement.code_point, placement.slot);
      if (placement.evicted) evicted.push_back(*placement.evicted);
    }
    draw_glyphs(glyphs);
    // An evicted code point is drawn as nothing, zero wide, from now on.
    for (const char32_t code_point : evicted) changes_.emplace_back(revision_, code_point);
    changed = true;
  }
  cache_.begin_frame();
  return changed;
}

void FontAtlas::set_geometry(float scale) {
  scale_ = scale;
  line_ = std::round(kBaseSize * scale);
  const float baseline = rasterizer_.set_line_height(line_);
  // Ink may overhang the line: emoji are taller than the text font's line,
  // italics and combining marks lean out left of the pen.
  const int pad = static_cast<int>(std::ceil(line_ * 0.25f));
  cell_h_ = static_cast<int>(line_) + 2 * pad;
  cell_w_ = cell_h_;  // a CJK character or an emoji is about one line wide
  origin_x_ = pad;
  top_ = pad;
  origin_y_ = pad + static_cast<int>(std::lround(baseline));

  GLint max_texture = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_texture);
  const int side = std::clamp(static_cast<int>(max_texture), 256, kTextureSide);
  texture_width_ = side;
  // ImGui pads each rectangle by a pixel on either side.
  columns_ = std::max(1, (side - 4) / cell_w_);
  const int max_rows = std::max(1, (side - kImGuiRoom) / cell_h_);
  const auto columns = static_cast<std::size_t>(columns_);
  cache_.reset(whole_rows(kInitialSlots, columns), columns * static_cast<std::size_t>(max_rows));
}

void FontAtlas::build() {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  // Safe when no texture exists yet; frees the previous atlas otherwise.
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  atlas->Clear();

  // ImGui needs one font from a font file to build an ImFont: its built-in
  // one, with a single glyph (the space, replaced below like every other).
  static const ImWchar kSpaceOnly[] = {0x20, 0x20, 0};
  ImFontConfig config;
  config.SizePixels = line_;
  config.GlyphRanges = kSpaceOnly;
  config.OversampleH = 1;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  font_ = atlas->AddFontDefault(&config);
  const auto rows = static_cast<int>(cache_.capacity() / static_cast<std::size_t>(columns_));
  grid_rect_ = atlas->AddCustomRectRegular(columns_ * cell_w_, rows * cell_h_);
  atlas->TexDesiredWidth = texture_width_;
  atlas->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
  if (!atlas->Build()) {
    std::fprintf(stderr, "the font atlas could not be built\n");
    return;
  }
  ImGui_ImplOpenGL3_CreateFontsTexture();  // the grid is transparent until glyphs are drawn into it
  // Glyphs go straight into the GL texture from now on: the CPU copy
  // (4 bytes a pixel) is not needed. ImGui keeps the atlas "built".
  atlas->ClearTexData();

  font_->FallbackChar = kBlank;
  const int blank = append_glyph();
  font_->Glyphs[blank] = ImFontGlyph();
  font_->Glyphs[blank].Codepoint = kBlank;
  glyph_index_.assign(cache_.capacity(), -1);
  font_->BuildLookupTable();
  loaded_ = true;
  ++revision_;
  // A new font: what was measured before it says nothing about it.
  changes_.clear();
  changes_known_after_ = revision_;
}

bool FontAtlas::changed_since(std::uint64_t revision, std::vector<char32_t>& code_points) const {
  if (revision < changes_known_after_) return false;
  // The newest changes are at the back; a layout asks every frame it draws.
  auto it = changes_.end();
  while (it != changes_.begin() && std::prev(it)->first > revision) --it;
  for (; it != changes_.end(); ++it) code_points.push_back(it->second);
  return true;
}

int FontAtlas::append_glyph() {
  // BuildLookupTable() appends a tab glyph each time unless the tab is
  // already last: take it off first, so that indices stay put.
  if (!font_->Glyphs.empty() && font_->Glyphs.back().Codepoint == '\t') font_->Glyphs.pop_back();
  font_->Glyphs.resize(font_->Glyphs.Size + 1);
  return font_->Glyphs.Size - 1;
}

void FontAtlas::draw_glyphs(const std::vector<std::pair<char32_t, std::size_t>>& glyphs) {
  if (glyphs.empty() || font_ == nullptr) return;
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  const ImFontAtlasCustomRect* grid = atlas->GetCustomRectByIndex(grid_rect_);
  const auto texture = static_cast<GLuint>(reinterpret_cast<std::intptr_t>(atlas->TexID));
  GLint previous = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
  glBindTexture(GL_TEXTURE_2D, texture);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);  // RGBA rows: always 4-byte aligned
  const std::size_t cell_bytes = static_cast<std::size_t>(cell_w_) * static_cast<std::size_t>(cell_h_) * 4;

  // In batches of kBatch, so that regrowing the grid needs only a batch's
  // pixels in memory at once.
  for (std::size_t start = 0; start < glyphs.size(); start += kBatch) {
    const std::size_t end = std::min(glyphs.size(), start + kBatch);
    batch_.clear();
    for (std::size_t i = start; i < end; ++i) batch_.push_back(glyphs[i].first);
    rasterizer_.draw(batch_, cell_w_, cell_h_, origin_x_, origin_y_, pixels_, drawn_);
    for (std::size_t i = start; i < end; ++i) {
      const auto [code_point, slot] = glyphs[i];
      const GlyphRasterizer::Glyph& drawn = drawn_[i - start];
      const int x = grid->X + static_cast<int>(slot % static_cast<std::size_t>(columns_)) * cell_w_;
      const int y = grid->Y + static_cast<int>(slot / static_cast<std::size_t>(columns_)) * cell_h_;
      // The whole cell, so nothing of an evicted glyph is left in it.
      glTexSubImage2D(GL_TEXTURE_2D, 0, x, y, cell_w_, cell_h_, GL_RGBA, GL_UNSIGNED_BYTE,
                      pixels_.data() + (i - start) * cell_bytes);

      int& index = glyph_index_[slot];
      if (index < 0) index = append_glyph();  // else an evicted glyph's entry is reused
      ImFontGlyph& glyph = font_->Glyphs[index];
      glyph.Codepoint = static_cast<unsigned int>(code_point);
      const bool ink = drawn.x1 > drawn.x0 && drawn.y1 > drawn.y0;
      glyph.Visible = ink ? 1u : 0u;
      glyph.Colored = drawn.colored ? 1u : 0u;
      // The quad, from the pen at the line's top; texels from the slot.
      glyph.X0 = ink ? static_cast<float>(drawn.x0 - origin_x_) : 0.0f;
      glyph.Y0 = ink ? static_cast<float>(drawn.y0 - top_) : 0.0f;
      glyph.X1 = ink ? static_cast<float>(drawn.x1 - origin_x_) : 0.0f;
      glyph.Y1 = ink ? static_cast<float>(drawn.y1 - top_) : 0.0f;
      glyph.U0 = static_cast<float>(x + drawn.x0) * atlas->TexUvScale.x;
      glyph.V0 = static_cast<float>(y + drawn.y0) * atlas->TexUvScale.y;
      glyph.U1 = static_cast<float>(x + drawn.x1) * atlas->TexUvScale.x;
      glyph.V1 = static_cast<float>(y + drawn.y1) * atlas->TexUvScale.y;
      // Whole pixels, as the text font was snapped: glyphs land on pixel
      // boundaries and stay sharp.
      glyph.AdvanceX = std::round(drawn.advance);
    }
  }
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
  // Evicted code points vanish from the lookup, the new ones enter it.
  font_->BuildLookupTable();
  ++revision_;
  for (const auto& glyph : glyphs) changes_.emplace_back(revision_, glyph.first);
  // Bounded: a layout that has not asked for this long measures everything.
  if (changes_.size() > kMaxChanges) {
    const auto drop = changes_.size() - kMaxChanges / 2;
    changes_known_after_ = changes_[drop - 1].first;
    changes_.erase(changes_.begin(), changes_.begin() + static_cast<std::ptrdiff_t>(drop));
  }
}

}  // namespace chat_web
