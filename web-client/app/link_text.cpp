#include "link_text.hpp"

#include <algorithm>
#include <cfloat>

namespace chat_web {

namespace {

// Blue, as links are everywhere; apart from every text colour of the log
// (chat_view.cpp), and readable on its dark background.
const ImVec4 kLinkColor{0.38f, 0.64f, 1.00f, 1.0f};

}  // namespace

void LinkText::draw(ImDrawList* list, ImVec2 pos, ImU32 color, const LogEntry& entry, const LogRow& row, float scale,
                    GestureTargets& targets) {
  const char* body = entry.body.c_str();
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  const ImU32 link_color = ImGui::ColorConvertFloat4ToU32(kLinkColor);
  // Only what the log shows can be clicked: pieces are cut to its clip rectangle.
  const ImVec2 clip_min = list->GetClipRectMin();
  const ImVec2 clip_max = list->GetClipRectMax();
  float x = pos.x;
  // Draws [from, to) in `piece_color`; the pen moves by the glyphs' advances
  // (no kerning in ImGui), so pieces join exactly as one AddText would.
  const auto piece = [&](std::size_t from, std::size_t to, ImU32 piece_color) {
    if (from >= to) return 0.0f;
    list->AddText(ImVec2(x, pos.y), piece_color, body + from, body + to);
    const float width = font->CalcTextSizeA(size, FLT_MAX, 0.0f, body + from, body + to).x;
    x += width;
    return width;
  };
  std::size_t at = row.begin;
  for (const auto& link : entry.links) {
    if (link.end <= row.begin || link.begin >= row.end) continue;
    const std::size_t from = std::max(link.begin, row.begin);
    const std::size_t to = std::min(link.end, row.end);
    piece(at, from, color);
    const float left = x;
    const float width = piece(from, to, link_color);
    const float thickness = std::max(1.0f, scale);
    const float underline = pos.y + size - thickness;
    list->AddLine(ImVec2(left, underline), ImVec2(left + width, underline), link_color, thickness);
    targets.add(ImVec2(std::max(left, clip_min.x), std::max(pos.y, clip_min.y)),
                ImVec2(std::min(left + width, clip_max.x), std::min(pos.y + size, clip_max.y)),
                GestureTargets::Kind::Link, GestureTargets::Action::Open,
                std::string_view(entry.body).substr(link.begin, link.end - link.begin), "link");
    at = to;
  }
  // The rest (a row without links: all of it) needs no width: one AddText.
  if (at < row.end) list->AddText(ImVec2(x, pos.y), color, body + at, body + row.end);
}

}  // namespace chat_web
