#pragma once
// The UI's one font, made of glyphs the browser draws with its own fonts
// (GlyphRasterizer), at the device pixel ratio so text is sharp on HiDPI
// screens. The page ships no font: a CJK font made most of the first visit,
// and still had no emoji.
//
// How, given that ImGui 1.86 packs an atlas once (Build) and cannot grow it:
//  - the atlas is built once per text size with ImGui's own pieces (its
//    white pixel and line textures, a space from its built-in font only so
//    that an ImFont exists) plus one custom rectangle: a grid of equal
//    slots, empty at first;
//  - the view notes the text it is about to draw (request_glyphs); before
//    the next frame, update() has the missing code points drawn by the
//    browser, copies each into its slot of the GL texture with
//    glTexSubImage2D, and adds it to the ImFont as a glyph (Colored for
//    emoji, so ImGui does not tint them). That frame shows them: a new
//    character appears one frame after it first arrives;
//  - which slot a glyph gets, and what is evicted when the grid is full,
//    is chat_client::GlyphCache's (web-client/core). A full grid first
//    grows (a rebuild with more rows, every glyph drawn again), up to the
//    texture's largest size; then the least recently drawn glyphs give way.
//  - printable ASCII (and the UI's own "…" and "↓") is drawn at start and
//    pinned: the UI's labels are made of it, and nobody notes them.
// Code points without a glyph yet, and those that never get one (controls,
// planes 14 to 16: see GlyphCache), are drawn as nothing, zero wide.

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <imgui.h>

#include "chat_client/glyph_cache.hpp"
#include "glyph_rasterizer.hpp"

namespace chat_web {

class FontAtlas {
 public:
  static constexpr float kBaseSize = 17.0f;  // the line's height, CSS pixels

  FontAtlas();

  // Before ImGui::NewFrame() (the atlas is locked during a frame): builds
  // the atlas when the scale changed or its grid must grow, and adds the
  // glyphs noted since the last call. Returns true when anything changed:
  // the frame draws differently (and the texture may be a new one).
  bool update(float scale);

  // Text that this frame draws: its glyphs are kept, and the missing ones
  // are added by the next update().
  void request_glyphs(std::string_view utf8_text);

  // Glyphs wait that the next update() can add: draw another frame.
  bool pending() const { return cache_.needs_growth() || cache_.can_place(); }
  // Changes whenever a glyph was added or evicted, i.e. whenever text
  // widths may have changed (layouts cached across frames check it).
  std::uint64_t revision() const { return revision_; }
  // The code points whose glyph was added or evicted after `revision`
  // (appended to `code_points`, maybe more than once), so that a layout
  // re-measures only the text that contains them. False when that is not
  // known (the atlas was built again since, or `revision` is older than the
  // changes kept): then any width may have changed.
  bool changed_since(std::uint64_t revision, std::vector<char32_t>& code_points) const;

  float scale() const { return scale_; }
  bool loaded() const { return loaded_; }
  // The slots, for the page's read-only test state (how full the atlas is).
  const chat_client::GlyphCache& glyphs() const { return cache_; }

 private:
  void set_geometry(float scale);
  void build();
  // Draws the glyphs (code point, slot) into their slots and makes the font use them.
  void draw_glyphs(const std::vector<std::pair<char32_t, std::size_t>>& glyphs);
  int append_glyph();  // a new ImFontGlyph at the end of the font's list: its index

  GlyphRasterizer rasterizer_;
  chat_client::GlyphCache cache_{1, 1};
  ImFont* font_ = nullptr;
  float scale_ = 0.0f;
  bool loaded_ = false;
  std::uint64_t revision_ = 0;

  // The grid, in device pixels, for the current scale.
  float line_ = 0.0f;  // ImGui's FontSize: one line of text
  int cell_w_ = 0;     // a slot
  int cell_h_ = 0;
  int origin_x_ = 0;  // the pen inside a slot: room left of it for overhanging ink
  int origin_y_ = 0;  // the baseline inside a slot
  int top_ = 0;       // the line's top inside a slot
  int columns_ = 0;   // slots per row of the grid
  int texture_width_ = 0;
  int grid_rect_ = -1;            // the grid's custom rectangle in the ImGui atlas
  std::vector<int> glyph_index_;  // slot -> its glyph in font_->Glyphs, -1 before its first use

  // Code points whose glyphs changed, with the revision that changed them,
  // oldest first; complete for the revisions after changes_known_after_.
  std::vector<std::pair<std::uint64_t, char32_t>> changes_;
  std::uint64_t changes_known_after_ = 0;

  std::vector<char32_t> batch_;  // scratch for draw_glyphs
  std::vector<unsigned char> pixels_;
  std::vector<GlyphRasterizer::Glyph> drawn_;
};

}  // namespace chat_web
