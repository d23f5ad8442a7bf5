#pragma once
// The one UI font (WenQuanYi Micro Hei: Latin + CJK), rasterised at the
// device pixel ratio so text is sharp on HiDPI screens. Glyphs outside the
// preset ranges (rare CJK, other scripts) are added on demand by rebuilding
// the atlas, since ImGui 1.86 cannot grow an atlas in place.

#include <set>
#include <string_view>

#include <imgui.h>

namespace chat_web {

class FontAtlas {
 public:
  static constexpr float kBaseSize = 17.0f;  // CSS pixels

  explicit FontAtlas(const char* font_path);

  // (Re)builds when the scale changed or new glyphs were requested.
  // Must run before ImGui::NewFrame(). Returns true when it rebuilt.
  bool update(float scale);

  // Notes the code points of `text` the font lacks, for the next update().
  void request_glyphs(std::string_view utf8_text);

  float scale() const { return scale_; }
  bool loaded() const { return loaded_; }

 private:
  void build(float scale);

  const char* path_;
  float scale_ = 0.0f;
  bool loaded_ = false;
  bool dirty_ = true;
  std::set<ImWchar> extra_;        // requested beyond the preset ranges
  std::set<ImWchar> unavailable_;  // asked for, but the font has no glyph
  ImVector<ImWchar> ranges_;       // must outlive the atlas build
};

}  // namespace chat_web
