#include "context_menu.hpp"

#include <algorithm>
#include <utility>

namespace chat_web {

namespace {

constexpr const char* kPopupId = "##context-menu";

}  // namespace

void ContextMenu::open(ImVec2 point, std::vector<Item> items) {
  if (items.empty()) return;
  items_ = std::move(items);
  opening_ = point;
}

void ContextMenu::draw(float scale, GestureTargets& targets) {
  // Items a finger can hit: taller than the log's rows.
  const ImVec2 padding(6.0f * scale, 6.0f * scale);
  const ImVec2 spacing(8.0f * scale, 2.0f * scale);
  float width = 0.0f;
  for (const Item& item : items_) width = std::max(width, ImGui::CalcTextSize(item.label.c_str()).x);
  const ImVec2 item_size(width + 24.0f * scale, ImGui::GetTextLineHeight() + 14.0f * scale);
  // A click in this very frame (the right click that asked for the menu
  // comes with its press) would close a menu opened in it: the next frame.
  const bool clicked = ImGui::IsMouseClicked(ImGuiMouseButton_Left) || ImGui::IsMouseClicked(ImGuiMouseButton_Right);
  if (opening_ && !clicked) {
    ImGui::OpenPopup(kPopupId);
    // Down and right of the pointer, as menus open, unless that leaves the
    // display (the message field is at its bottom): then up or left of it.
    const auto count = static_cast<float>(items_.size());
    const ImVec2 size(item_size.x + 2.0f * padding.x,
                      count * item_size.y + (count - 1.0f) * spacing.y + 2.0f * padding.y);
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImVec2 pos = *opening_;
    if (pos.x + size.x > display.x) pos.x = std::max(0.0f, display.x - size.x);
    if (pos.y + size.y > display.y) pos.y = std::max(0.0f, pos.y - size.y);
    ImGui::SetNextWindowPos(pos);
    opening_.reset();
  }
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, padding);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, spacing);
  ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0.0f, 0.5f));
  open_ = ImGui::BeginPopup(kPopupId);
  if (open_ && closing_) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  } else if (open_) {
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const Item& item = items_[i];
      ImGui::PushID(static_cast<int>(i));
      // The action itself is the page's (www/app.js, on the click event);
      // here the click only closes the menu.
      if (ImGui::Selectable(item.label.c_str(), false, ImGuiSelectableFlags_None, item_size)) {
        ImGui::CloseCurrentPopup();
      }
      targets.add(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), GestureTargets::Kind::MenuItem, item.action,
                  item.text, item.label);
      ImGui::PopID();
    }
    ImGui::EndPopup();
  }
  ImGui::PopStyleVar(3);
  closing_ = false;
  if (!open_ && !opening_) items_.clear();
}

}  // namespace chat_web
