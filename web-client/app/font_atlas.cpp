#include "font_atlas.hpp"

#include <cstdio>

#include <imgui_impl_opengl3.h>

#include "codec/utf8.hpp"

namespace chat_web {

FontAtlas::FontAtlas(const char* font_path) : path_(font_path) {}

void FontAtlas::request_glyphs(std::string_view utf8_text) {
  ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
  if (font == nullptr) return;
  codec::utf8::for_each_code_point(utf8_text, [&](char32_t cp) {
    if (cp < 0x20) return;
    const auto c = static_cast<ImWchar>(cp);
    if (font->FindGlyphNoFallback(c) != nullptr || unavailable_.count(c) != 0) return;
    if (extra_.insert(c).second) dirty_ = true;
  });
}

bool FontAtlas::update(float scale) {
  if (!dirty_ && scale == scale_) return false;
  build(scale);
  return true;
}

void FontAtlas::build(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  ImFontAtlas* atlas = io.Fonts;
  // Safe when no texture exists yet; frees the previous atlas otherwise.
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  atlas->Clear();

  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(atlas->GetGlyphRangesDefault());
  builder.AddRanges(atlas->GetGlyphRangesChineseSimplifiedCommon());
  builder.AddRanges(atlas->GetGlyphRangesCyrillic());
  static const ImWchar kMore[] = {0x0100, 0x024F,  // Latin Extended-A/B
                                  0x0370, 0x03FF,  // Greek
                                  0x2000, 0x206F,  // punctuation: … – “ ”
                                  0x2190, 0x21FF,  // arrows
                                  0x25A0, 0x25FF,  // geometric shapes
                                  0};
  builder.AddRanges(kMore);
  for (ImWchar c : extra_) builder.AddChar(c);
  ranges_.clear();
  builder.BuildRanges(&ranges_);

  ImFontConfig config;
  config.FontNo = 0;  // first face of the .ttc collection
  // CJK has thousands of glyphs: no horizontal oversampling keeps the atlas
  // small, and rendering at device pixels makes it unnecessary.
  config.OversampleH = 1;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  const float size = kBaseSize * scale;
  atlas->TexDesiredWidth = 4096;
  atlas->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
  ImFont* font = atlas->AddFontFromFileTTF(path_, size, &config, ranges_.Data);
  if (font == nullptr) {
    std::fprintf(stderr, "font %s could not be loaded, falling back to ImGui's default\n", path_);
    ImFontConfig fallback;
    fallback.SizePixels = 13.0f * scale;
    atlas->AddFontDefault(&fallback);
  }
  atlas->Build();
  // Whatever is still missing after a build is not in the font: stop asking.
  if (font != nullptr) {
    for (ImWchar c : extra_) {
      if (font->FindGlyphNoFallback(c) == nullptr) unavailable_.insert(c);
    }
  }
  ImGui_ImplOpenGL3_CreateFontsTexture();
  loaded_ = true;
  dirty_ = false;
  scale_ = scale;
}

}  // namespace chat_web
