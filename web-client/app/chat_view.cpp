#include "chat_view.hpp"

#include <GLFW/glfw3.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include <imgui_internal.h>  // GetActiveID, ClearActiveID

#include "chat_client/countdown.hpp"
#include "chat_client/single_line_text.hpp"
#include "chat_client/web_links.hpp"
#include "link_text.hpp"

namespace chat_web {

namespace {

using chat_client::ChatLine;
using chat_client::ConnectionState;
using chat_client::DeliveryStatus;
using chat_client::KeyEvent;
using chat_client::KeyRoute;
using chat_client::LineKind;

bool is_modifier(int key) { return key >= GLFW_KEY_LEFT_SHIFT && key <= GLFW_KEY_RIGHT_SUPER; }
bool is_enter(int key) { return key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER; }
bool is_page_key(int key) { return key == GLFW_KEY_PAGE_UP || key == GLFW_KEY_PAGE_DOWN; }
bool is_scroll_key(int key) { return is_page_key(key) || key == GLFW_KEY_HOME || key == GLFW_KEY_END; }
bool inside(ImVec2 point, ImVec2 min, ImVec2 max) {
  return point.x >= min.x && point.y >= min.y && point.x < max.x && point.y < max.y;
}

// The longest prefix of `text` of at most `bytes` bytes that ends on a
// character boundary.
std::size_t utf8_prefix(const std::string& text, std::size_t bytes) {
  if (bytes >= text.size()) return text.size();
  while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
  return bytes;
}

const ImVec4 kTimeColor{0.50f, 0.53f, 0.58f, 1.0f};
const ImVec4 kAnnouncementColor{0.58f, 0.60f, 0.64f, 1.0f};
const ImVec4 kSystemColor{0.96f, 0.76f, 0.33f, 1.0f};
const ImVec4 kErrorColor{1.00f, 0.45f, 0.42f, 1.0f};
const ImVec4 kTextColor{0.90f, 0.91f, 0.93f, 1.0f};
const ImVec4 kHistoryTextColor{0.74f, 0.76f, 0.80f, 1.0f};
const ImVec4 kPendingTextColor{0.62f, 0.64f, 0.68f, 1.0f};
const ImVec4 kOwnNameColor{0.45f, 0.78f, 1.00f, 1.0f};
const ImVec4 kDividerColor{0.94f, 0.36f, 0.33f, 1.0f};
const ImVec4 kPickedColor{0.22f, 0.30f, 0.42f, 1.0f};  // behind the message a click picked

// The model's line with `seq` (lines are in seq order), if it is still there.
const ChatLine* line_at_seq(const chat_client::ChatModel& model, std::uint64_t seq) {
  const auto& lines = model.lines();
  const auto line =
      std::lower_bound(lines.begin(), lines.end(), seq, [](const ChatLine& l, std::uint64_t s) { return l.seq < s; });
  return line == lines.end() || line->seq != seq ? nullptr : &*line;
}

// A stable, readable colour per nickname, so speakers are easy to follow.
ImVec4 name_color(const std::string& name) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : name) hash = (hash ^ c) * 16777619u;
  float r = 0, g = 0, b = 0;
  ImGui::ColorConvertHSVtoRGB(static_cast<float>(hash % 360u) / 360.0f, 0.45f, 1.0f, r, g, b);
  return ImVec4(r, g, b, 1.0f);
}

// Emulated bold: the glyphs are drawn by the browser in one weight
// (FontAtlas), so the text is drawn twice, one device pixel apart.
void draw_bold(ImDrawList* list, ImVec2 pos, const ImVec4& color, const char* begin, const char* end = nullptr) {
  const ImU32 packed = ImGui::ColorConvertFloat4ToU32(color);
  list->AddText(pos, packed, begin, end);
  list->AddText(ImVec2(pos.x + 1.0f, pos.y), packed, begin, end);
}

void bold_text(const ImVec4& color, const char* text) {
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  draw_bold(ImGui::GetWindowDrawList(), pos, color, text);
  const ImVec2 size = ImGui::CalcTextSize(text);
  ImGui::Dummy(ImVec2(size.x + 1.0f, size.y));
}

// A window centred on the display, sized to its content.
bool begin_centered(const char* id, float width) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(width, io.DisplaySize.x - 20.0f), 0.0f));
  constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize;
  return ImGui::Begin(id, nullptr, flags);
}

}  // namespace

ChatView::Field ChatView::active_field() const {
  const ImGuiID active = ImGui::GetActiveID();
  if (active == 0) return Field::None;
  if (active == nickname_id_) return Field::Nickname;
  if (active == message_id_) return Field::Message;
  return Field::None;
}

bool ChatView::takes_text(const chat_client::ChatClient& client) {
  // From the model, not from the last frame drawn: text typed the moment the
  // prompt is due is kept for it even if no frame has shown it yet.
  return client.shows_nickname_prompt() || client.model().has_joined_once();
}

bool ChatView::scroll_key_for_log(const chat_client::ChatClient& client, int key) const {
  if (!is_scroll_key(key) || !client.model().has_joined_once() || client.shows_nickname_prompt()) return false;
  // PageUp and PageDown mean nothing to a one-line field; Home and End move
  // its caret unless it is empty or the reader last clicked into the log.
  return is_page_key(key) || log_focused_ || message_[0] == '\0';
}

KeyRoute ChatView::route_key(const chat_client::ChatClient& client, const KeyEvent& key) const {
  if (is_modifier(key.key)) return KeyRoute::Deliver;  // ImGui must always know them
  if (menu_.is_open()) return KeyRoute::Deliver;       // take_key: it closes the menu
  if (key.down && scroll_key_for_log(client, key.key)) return KeyRoute::Deliver;
  if (!takes_text(client)) return KeyRoute::Drop;
  // Wait until the field that is due is active, rather than lose the key.
  if (active_field() == Field::None) return KeyRoute::Wait;
  return is_enter(key.key) ? KeyRoute::DeliverLast : KeyRoute::Deliver;
}

bool ChatView::take_key(const chat_client::ChatClient& client, const KeyEvent& key) {
  if (menu_.is_open() && !is_modifier(key.key)) {
    // A key closes the menu, as a desktop menu; only its release reaches
    // ImGui, which may have seen the key go down before the menu opened.
    if (key.down) menu_.close();
    return !key.down;
  }
  // A scroll key's release goes where its press went.
  const auto held = std::find(log_keys_.begin(), log_keys_.end(), key.key);
  if (!key.down && held != log_keys_.end()) {
    log_keys_.erase(held);
    return false;
  }
  if (key.down && scroll_key_for_log(client, key.key)) {
    log_keys_.push_back(key.key);
    if (key.key == GLFW_KEY_PAGE_UP) log_scroll_.page(-1);
    if (key.key == GLFW_KEY_PAGE_DOWN) log_scroll_.page(1);
    if (key.key == GLFW_KEY_HOME) log_scroll_.to_top();
    if (key.key == GLFW_KEY_END) log_scroll_.to_bottom();
    return false;
  }
  if (key.down && !is_modifier(key.key)) {
    log_focused_ = false;  // editing: the field has the reader again
    picked_seq_ = 0;
  }
  if (is_enter(key.key)) {
    // Enter is the view's: the field's callback sends, and the field stays
    // active (ImGui's own Enter would deactivate it for two frames).
    if (key.down) submit_ = active_field();
    return false;
  }
  return true;
}

int ChatView::on_field_callback(ImGuiInputTextCallbackData* data) {
  ChatView& self = *static_cast<ChatView*>(data->UserData);
  if (!self.insert_.empty()) {
    // Inserted here rather than through ImGui's character queue, which
    // filters private-use characters and, without IMGUI_USE_WCHAR32, astral ones.
    std::string text = chat_client::single_line_text(self.insert_);
    self.insert_.clear();
    self.log_focused_ = false;
    self.picked_seq_ = 0;
    if (data->HasSelection()) {
      const int from = std::min(data->SelectionStart, data->SelectionEnd);
      data->DeleteChars(from, std::max(data->SelectionStart, data->SelectionEnd) - from);
      data->CursorPos = from;
    }
    const std::size_t room = static_cast<std::size_t>(std::max(0, data->BufSize - 1 - data->BufTextLen));
    text.resize(utf8_prefix(text, room));  // a full field takes no more, as when typing
    if (!text.empty()) data->InsertChars(data->CursorPos, text.data(), text.data() + text.size());
  }
  if (self.submit_ != Field::None && self.submit_ == self.drawing_) {
    self.submit_ = Field::None;
    const std::string text(data->Buf, static_cast<std::size_t>(data->BufTextLen));
    if (self.drawing_ == Field::Message) {
      // The client refuses blank lines quietly; the field keeps what was not sent.
      if (self.client_->send_message(text)) {
        data->DeleteChars(0, data->BufTextLen);
        self.log_scroll_.to_bottom();  // one's own message shows even when scrolled up
      }
    } else {
      self.client_->submit_nickname(text);
    }
  }
  if (data->HasSelection()) {
    const int from = std::min(data->SelectionStart, data->SelectionEnd);
    const int to = std::max(data->SelectionStart, data->SelectionEnd);
    self.selection_.assign(data->Buf + from, data->Buf + to);
  }
  return 0;
}

bool ChatView::input_field(Field field, const char* label, const char* hint, char* buffer, std::size_t size,
                           bool enabled) {
  const ImGuiID id = ImGui::GetID(label);
  (field == Field::Nickname ? nickname_id_ : message_id_) = id;
  // A disabled field (joining, disconnected) must not keep the keyboard:
  // what is typed meanwhile waits in the queue for the field that is due.
  if (!enabled && ImGui::GetActiveID() == id) ImGui::ClearActiveID();
  if (enabled && ImGui::GetActiveID() == id) insert_ = input_->take_text();
  // The field owns the keyboard unless something else on screen is being used.
  // (Not while a menu is open: taking the focus back would close it.)
  if (enabled && !ImGui::IsAnyItemActive() && !menu_.is_open()) ImGui::SetKeyboardFocusHere();
  drawing_ = field;
  ImGui::InputTextWithHint(label, hint, buffer, static_cast<int>(size), ImGuiInputTextFlags_CallbackAlways,
                           &ChatView::on_field_callback, this);
  drawing_ = Field::None;
  if (field == Field::Message) {
    field_min_ = ImGui::GetItemRectMin();
    field_max_ = ImGui::GetItemRectMax();
  }
  if (!insert_.empty()) {
    input_->untake_text(std::move(insert_));  // the field went away first: keep it for later
    insert_.clear();
  }
  fonts_->request_glyphs(buffer);  // drawn in the field this frame
  return ImGui::IsItemEdited();
}

void ChatView::draw(chat_client::ChatClient& client, FontAtlas& fonts, chat_client::InputQueue& input, float scale,
                    std::int64_t now_ms) {
  scale_ = scale;
  client_ = &client;
  fonts_ = &fonts;
  input_ = &input;
  selection_.clear();
  targets_.clear();
  next_change_ms_.reset();
  const auto& model = client.model();
  request_new_glyphs(model, fonts);

  const bool prompting = client.shows_nickname_prompt();
  if (model.has_joined_once()) draw_chat(client, now_ms);
  if (prompting) {
    if (!prompt_shown_) nickname_[0] = '\0';
    draw_nickname_prompt(client);
  } else if (!model.has_joined_once()) {
    draw_connecting(model, now_ms);
  }
  prompt_shown_ = prompting;
  has_text_field_ = prompting || model.has_joined_once();
  menu_.take_request();  // asked for where no chat is drawn: no menu
  targets_.publish();
}

void ChatView::request_new_glyphs(const chat_client::ChatModel& model, FontAtlas& fonts) {
  // Every new line once, visible or not, so that its glyphs (and widths)
  // are there before it is laid out and scrolled to; the visible rows are
  // noted again each frame (draw_log), which keeps their glyphs in the atlas.
  for (auto it = model.lines().rbegin(); it != model.lines().rend() && it->seq > glyphs_checked_seq_; ++it) {
    fonts.request_glyphs(it->from);
    fonts.request_glyphs(it->text);
  }
  if (!model.lines().empty()) glyphs_checked_seq_ = std::max(glyphs_checked_seq_, model.lines().back().seq);
  // Older history paged in goes in front, below the seqs seen so far.
  for (auto it = model.lines().begin(); it != model.lines().end() && it->seq < glyphs_front_seq_; ++it) {
    fonts.request_glyphs(it->from);
    fonts.request_glyphs(it->text);
  }
  if (!model.lines().empty()) glyphs_front_seq_ = model.lines().front().seq;
  // What the other screens draw from the model, every frame.
  for (const auto& name : model.online()) fonts.request_glyphs(name);
  fonts.request_glyphs(model.nickname());
  fonts.request_glyphs(model.nickname_error());
}

void ChatView::changes_at(std::int64_t time_ms) {
  if (!next_change_ms_ || time_ms < *next_change_ms_) next_change_ms_ = time_ms;
}

void ChatView::countdown_changes(const chat_client::ChatModel& model, std::int64_t now_ms) {
  if (const auto at = model.reconnect_at_ms()) changes_at(chat_client::next_countdown_change_ms(*at, now_ms));
}

void ChatView::draw_connecting(const chat_client::ChatModel& model, std::int64_t now_ms) {
  if (begin_centered("##connecting", 420.0f * scale_)) {
    constexpr std::int64_t kDotMs = 400;
    changes_at((now_ms / kDotMs + 1) * kDotMs);
    countdown_changes(model, now_ms);
    const int dots = static_cast<int>((now_ms / kDotMs) % 4);
    const std::string title = std::string("Connecting to the chat") + std::string(static_cast<std::size_t>(dots), '.');
    bold_text(kTextColor, title.c_str());
    ImGui::Spacing();
    if (const auto countdown = model.reconnect_countdown(now_ms)) {
      ImGui::TextColored(kSystemColor, "No connection, retrying in %s", countdown->c_str());
    } else {
      ImGui::TextColored(kTimeColor, "%s", std::string(to_string(model.connection_state())).c_str());
    }
  }
  ImGui::End();
}

void ChatView::draw_nickname_prompt(chat_client::ChatClient& client) {
  const auto& model = client.model();
  const bool joining = model.connection_state() == ConnectionState::Joining;
  if (begin_centered("##nickname", 440.0f * scale_)) {
    bold_text(kTextColor, "Pick a nickname");
    ImGui::TextColored(kTimeColor, "It is how others will see you in the room.");
    ImGui::Spacing();

    ImGui::BeginDisabled(joining);
    const float button_width = ImGui::CalcTextSize("Join").x + ImGui::GetStyle().FramePadding.x * 2.0f;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - button_width - ImGui::GetStyle().ItemSpacing.x);
    input_field(Field::Nickname, "##nick", "", nickname_.data(), nickname_.size(), !joining);
    ImGui::SameLine();
    const bool submit = ImGui::Button("Join");
    ImGui::EndDisabled();

    if (submit && !joining) client.submit_nickname(nickname_.data());
    if (joining) {
      ImGui::TextColored(kTimeColor, "Joining...");
    } else if (!model.nickname_error().empty()) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(kErrorColor, "%s", model.nickname_error().c_str());
      ImGui::PopTextWrapPos();
    }
  }
  ImGui::End();
}

void ChatView::draw_chat(chat_client::ChatClient& client, std::int64_t now_ms) {
  const auto& model = client.model();
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0.0f, 0.0f));
  ImGui::SetNextWindowSize(io.DisplaySize);
  constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  if (ImGui::Begin("##chat", nullptr, flags)) {
    draw_status_banner(model, now_ms);

    const ImGuiStyle& style = ImGui::GetStyle();
    const float input_height = ImGui::GetFrameHeightWithSpacing() + style.ItemSpacing.y;
    const float online_width = std::clamp(io.DisplaySize.x * 0.22f, 110.0f * scale_, 260.0f * scale_);
    const bool narrow = io.DisplaySize.x < 480.0f * scale_;  // phones: the list goes above the log
    const ImVec2 avail = ImGui::GetContentRegionAvail();

    if (narrow) {
      ImGui::PushTextWrapPos(0.0f);
      std::string online = "Online: ";
      for (std::size_t i = 0; i < model.online().size(); ++i) {
        online += (i ? ", " : "") + model.online()[i];
      }
      ImGui::TextColored(kAnnouncementColor, "%s", online.c_str());
      ImGui::PopTextWrapPos();
      draw_log(model, ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y - input_height));
    } else {
      draw_log(model, ImVec2(avail.x - online_width - style.ItemSpacing.x, avail.y - input_height));
      ImGui::SameLine();
      ImGui::BeginChild("##online", ImVec2(0.0f, avail.y - input_height), true);
      draw_online(model);
      ImGui::EndChild();
    }
    draw_input(client);
    if (const auto point = menu_.take_request()) menu_.open(*point, menu_items_at(model, *point));
    menu_.draw(scale_, targets_);
  }
  ImGui::End();
}

void ChatView::draw_status_banner(const chat_client::ChatModel& model, std::int64_t now_ms) {
  const ConnectionState state = model.connection_state();
  if (state == ConnectionState::Joined || state == ConnectionState::NeedsNickname) return;
  std::string text;
  if (state == ConnectionState::Disconnected) {
    countdown_changes(model, now_ms);
    const auto countdown = model.reconnect_countdown(now_ms);
    text = countdown ? "Disconnected, reconnecting in " + *countdown + "..." : "Disconnected";
  } else if (state == ConnectionState::Joining) {
    text = "Rejoining as " + model.nickname() + "...";
  } else {
    text = "Reconnecting...";
  }
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.35f, 0.25f, 0.05f, 1.0f));
  ImGui::BeginChild("##banner", ImVec2(0.0f, ImGui::GetFrameHeightWithSpacing()), false);
  ImGui::SetCursorPos(ImVec2(ImGui::GetStyle().FramePadding.x, ImGui::GetStyle().FramePadding.y));
  ImGui::TextColored(kSystemColor, "%s", text.c_str());
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

void ChatView::on_wheel(const WheelInput& wheel) {
  if (inside(ImVec2(wheel.x, wheel.y), log_min_, log_max_)) {
    log_scroll_.wheel(wheel.dy, wheel.unit);
    return;
  }
  // Anything else that scrolls (the online list) is ImGui's: one notch, one
  // unit (positive: up, as GLFW has it).
  const float per_unit = wheel.unit == chat_client::WheelUnit::Pixel  ? 100.0f * scale_
                         : wheel.unit == chat_client::WheelUnit::Line ? 3.0f
                                                                      : 1.0f;
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheel -= wheel.dy / per_unit;
  io.MouseWheelH -= wheel.dx / per_unit;
}

void ChatView::on_touch(const TouchInput& touch) {
  switch (touch.phase) {
    case TouchInput::Phase::Start:
      log_touched_ = inside(ImVec2(touch.x, touch.y), log_min_, log_max_);
      if (log_touched_) log_scroll_.touch_start(touch.y, touch.time_ms);
      break;
    case TouchInput::Phase::Move:
      if (log_touched_) log_scroll_.touch_move(touch.y, touch.time_ms);
      break;
    case TouchInput::Phase::End:
      if (log_touched_) log_scroll_.touch_end(touch.time_ms);
      log_touched_ = false;
      break;
  }
}

void ChatView::draw_log(const chat_client::ChatModel& model, ImVec2 size) {
  const ImGuiStyle& style = ImGui::GetStyle();
  ImFont* font = ImGui::GetFont();
  const float row_height = ImGui::GetTextLineHeightWithSpacing();

  // At the bottom the log keeps only its newest lines; what goes is paged
  // back in when the reader scrolls up to it (counted as removed rows below).
  if (log_scroll_.at_bottom() && !scrollbar_held_) client_->trim_log_at_bottom();
  // Rows dropped from the top of the bounded log since the last frame (the
  // old layout's line indices still count from the old first line).
  const std::uint64_t front_seq = model.lines().empty() ? 0 : model.lines().front().seq;
  // Lines of older history put in front since the last frame (seqs below
  // the old first line's, one apart).
  const std::uint64_t added_lines =
      front_seq_ != 0 && front_seq != 0 && front_seq < front_seq_ ? front_seq_ - front_seq : 0;
  std::size_t removed_rows = 0;
  if (front_seq_ != 0 && front_seq > front_seq_) {
    const std::uint64_t dropped = front_seq - front_seq_;
    for (const LogRow& row : layout_.rows()) {
      if (row.line >= dropped) break;
      ++removed_rows;
    }
  }
  front_seq_ = front_seq;
  // Messages from others that arrived since the last frame (one's own jump to the bottom).
  std::size_t new_messages = 0;
  for (auto it = model.lines().rbegin(); it != model.lines().rend() && it->seq > last_seq_; ++it) {
    if (it->kind == LineKind::Message && !it->own && !it->history) ++new_messages;
  }
  if (!model.lines().empty()) last_seq_ = std::max(last_seq_, model.lines().back().seq);

  // The child's content width: less its padding and its (always shown) scrollbar.
  layout_.update(model, std::max(1.0f, size.x - 2.0f * style.WindowPadding.x - style.ScrollbarSize), font, *fonts_);
  const auto& rows = layout_.rows();
  std::size_t added_rows = 0;
  for (const LogRow& row : rows) {
    if (row.line >= added_lines) break;
    ++added_rows;
  }

  chat_client::LogScroll::Frame frame;
  frame.content_height = static_cast<float>(rows.size()) * row_height;
  frame.view_height = size.y - 2.0f * style.WindowPadding.y;
  frame.row_height = row_height;
  frame.scrollbar_offset = scrollbar_held_ ? scrollbar_offset_ : -1.0f;
  frame.removed_above = static_cast<float>(removed_rows) * row_height;
  frame.added_above = static_cast<float>(added_rows) * row_height;
  frame.new_messages = new_messages;
  frame.time_ms = emscripten_get_now();
  const float offset = log_scroll_.update(frame);
  // The reader scrolled up to the first line: the page before it, if any.
  if (log_scroll_.reached_top()) client_->request_older_history();
  const auto top_row = static_cast<std::size_t>(offset / row_height);
  top_line_id_ = top_row < rows.size() ? model.lines()[rows[top_row].line].server_id : 0;
  top_line_hidden_ = offset - static_cast<float>(top_row) * row_height;
  // The content's height is known before the rows are drawn (equal rows),
  // so the offset applies in this very frame.
  ImGui::SetNextWindowContentSize(ImVec2(0.0f, frame.content_height));
  if (!scrollbar_held_) ImGui::SetNextWindowScroll(ImVec2(-1.0f, offset));
  ImGui::BeginChild("##log", size, true, ImGuiWindowFlags_AlwaysVerticalScrollbar);
  log_min_ = ImGui::GetWindowPos();
  log_max_ = ImVec2(log_min_.x + ImGui::GetWindowWidth(), log_min_.y + ImGui::GetWindowHeight());

  ImDrawList* list = ImGui::GetWindowDrawList();
  const float line_height = ImGui::GetTextLineHeight();
  divider_y_ = -1.0f;
  drawn_rows_.clear();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()), ImGui::GetTextLineHeightWithSpacing());
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const LogRow& row = rows[static_cast<std::size_t>(i)];
      const LogEntry& entry = layout_.entry(row.line);
      const ChatLine& line = model.lines()[row.line];
      const ImVec2 pos = ImGui::GetCursorScreenPos();
      float x = pos.x + entry.indent;
      if (line.seq == picked_seq_) {
        list->AddRectFilled(ImVec2(pos.x - 0.5f * style.WindowPadding.x, pos.y - 0.5f * style.ItemSpacing.y),
                            ImVec2(log_max_.x - style.ScrollbarSize, pos.y + row_height - 0.5f * style.ItemSpacing.y),
                            ImGui::ColorConvertFloat4ToU32(kPickedColor));
      }
      if (row.first && line.seq == divider_seq_) draw_divider(list, pos.y - 0.5f * style.ItemSpacing.y);
      // On screen: its glyphs must stay in the atlas (the time is ASCII, always there).
      if (row.first) fonts_->request_glyphs(entry.sender);
      fonts_->request_glyphs(std::string_view(entry.body).substr(row.begin, row.end - row.begin));
      if (row.first) {
        list->AddText(pos, ImGui::ColorConvertFloat4ToU32(kTimeColor), entry.time.c_str());
        x = pos.x + entry.time_width;
        if (!entry.sender.empty()) {
          draw_bold(list, ImVec2(x, pos.y), line.own ? kOwnNameColor : name_color(line.from), entry.sender.c_str());
          x = pos.x + entry.prefix_width;
        }
      }
      ImVec4 color = kTextColor;
      switch (line.kind) {
        case LineKind::Message:
          if (line.status == DeliveryStatus::Failed)
            color = kErrorColor;
          else if (line.status == DeliveryStatus::Pending)
            color = kPendingTextColor;
          else if (line.history)
            color = kHistoryTextColor;
          break;
        case LineKind::Announcement: color = kAnnouncementColor; break;
        case LineKind::System: color = kSystemColor; break;
        case LineKind::Error: color = kErrorColor; break;
      }
      const char* body = entry.body.c_str();
      LinkText::draw(list, ImVec2(x, pos.y), ImGui::ColorConvertFloat4ToU32(color), entry, row, scale_, targets_);
      drawn_rows_.push_back(DrawnRow{x, pos.y, std::string(body + row.begin, body + row.end), line.seq});
      ImGui::Dummy(ImVec2(1.0f, line_height));
    }
  }
  clipper.End();

  // For the next frame: whether the reader holds the scrollbar, and where it is.
  scrollbar_held_ = ImGui::GetActiveID() == ImGui::GetWindowScrollbarID(ImGui::GetCurrentWindow(), ImGuiAxis_Y);
  scrollbar_offset_ = ImGui::GetScrollY();
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    log_focused_ = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    // A click on a message picks it, for Ctrl+C (a click on a link opens it
    // instead; on the scrollbar or between messages, it picks none).
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const chat_client::ChatLine* picked =
        log_focused_ && targets_.link_at(mouse).empty() && mouse.x < log_max_.x - style.ScrollbarSize
            ? line_at(model, mouse)
            : nullptr;
    picked_seq_ = picked != nullptr ? picked->seq : 0;
  }
  const chat_client::ChatLine* picked = picked_seq_ != 0 ? line_at_seq(model, picked_seq_) : nullptr;
  picked_text_ = picked != nullptr ? picked->text : std::string();
  draw_unread_button();
  ImGui::EndChild();
}

// "New messages" above the first unread message: a line across the log, on
// top of the gap between two rows so that no row moves, with its label at
// the right end.
void ChatView::draw_divider(ImDrawList* list, float y) {
  static constexpr const char* kLabel = "new messages";
  const ImU32 color = ImGui::ColorConvertFloat4ToU32(kDividerColor);
  const ImVec2 window = ImGui::GetWindowPos();
  const float left = window.x + ImGui::GetStyle().WindowPadding.x * 0.5f;
  const float right = window.x + ImGui::GetWindowContentRegionMax().x;
  const ImVec2 label = ImGui::CalcTextSize(kLabel);
  const float label_left = right - label.x - 6.0f * scale_;
  const float thickness = std::max(1.0f, scale_);
  list->AddLine(ImVec2(left, y), ImVec2(label_left - 4.0f * scale_, y), color, thickness);
  // The label sits on the line, over the end of the row above it.
  list->AddRectFilled(ImVec2(label_left - 4.0f * scale_, y - label.y * 0.5f), ImVec2(right, y + label.y * 0.5f),
                      ImGui::ColorConvertFloat4ToU32(ImGui::GetStyle().Colors[ImGuiCol_ChildBg]));
  list->AddText(ImVec2(label_left, y - label.y * 0.5f), color, kLabel);
  divider_y_ = y;
}

void ChatView::draw_unread_button() {
  const std::size_t unread = log_scroll_.unread();
  button_min_ = button_max_ = ImVec2(0.0f, 0.0f);
  if (unread == 0) return;
  const std::string label =
      std::to_string(unread) + (unread == 1 ? " new message \xE2\x86\x93" : " new messages \xE2\x86\x93");  // ↓
  fonts_->request_glyphs(label);
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 text = ImGui::CalcTextSize(label.c_str());
  const ImVec2 button(text.x + 2.0f * style.FramePadding.x, text.y + 2.0f * style.FramePadding.y);
  // Over the bottom of the visible rows, in the middle.
  ImGui::SetCursorPos(ImVec2(std::max(0.0f, (ImGui::GetWindowWidth() - button.x) * 0.5f),
                             ImGui::GetScrollY() + ImGui::GetWindowHeight() - button.y - 2.0f * style.WindowPadding.y));
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.20f, 0.42f, 0.72f, 0.95f));
  if (ImGui::Button(label.c_str())) log_scroll_.to_bottom();
  button_min_ = ImGui::GetItemRectMin();
  button_max_ = ImGui::GetItemRectMax();
  ImGui::PopStyleColor();
}

void ChatView::draw_online(const chat_client::ChatModel& model) {
  bold_text(kTextColor, ("Online: " + std::to_string(model.online().size())).c_str());
  ImGui::Separator();
  for (const auto& name : model.online()) {
    if (name == model.nickname()) {
      ImGui::TextColored(kOwnNameColor, "%s (you)", name.c_str());
    } else {
      ImGui::TextColored(name_color(name), "%s", name.c_str());
    }
  }
}

// The log's line drawn at `point` in this frame, if any.
const ChatLine* ChatView::line_at(const chat_client::ChatModel& model, ImVec2 point) const {
  if (!inside(point, log_min_, log_max_)) return nullptr;
  const float row_height = ImGui::GetTextLineHeightWithSpacing();
  const auto row = std::find_if(drawn_rows_.begin(), drawn_rows_.end(),
                                [&](const DrawnRow& r) { return point.y >= r.y && point.y < r.y + row_height; });
  return row == drawn_rows_.end() ? nullptr : line_at_seq(model, row->seq);
}

// What the menu at `point` offers: on the message field, paste (and copy
// its selection); on a message, copy it and, when it has a link, the link
// under the pointer or else its first one.
std::vector<ContextMenu::Item> ChatView::menu_items_at(const chat_client::ChatModel& model, ImVec2 point) const {
  using Action = GestureTargets::Action;
  std::vector<ContextMenu::Item> items;
  if (inside(point, field_min_, field_max_) && model.connection_state() == ConnectionState::Joined) {
    if (!selection_.empty()) items.push_back({"Copy", Action::Copy, selection_});
    items.push_back({"Paste", Action::Paste, ""});
    return items;
  }
  // The "new messages" button over the log is a button: a long press on it
  // is still its tap (www/app.js lets the click through when no menu opens).
  if (!inside(point, log_min_, log_max_) || inside(point, button_min_, button_max_)) return items;
  const ChatLine* line = line_at(model, point);
  if (line == nullptr) return items;
  items.push_back({"Copy message", Action::Copy, line->text});
  if (line->kind != LineKind::Message) return items;
  std::string url = targets_.link_at(point);
  if (const auto links = chat_client::find_web_links(line->text); url.empty() && !links.empty()) {
    url = line->text.substr(links.front().begin, links.front().end - links.front().begin);
  }
  if (!url.empty()) {
    items.push_back({"Copy link", Action::Copy, url});
    items.push_back({"Open link", Action::Open, url});
  }
  return items;
}

void ChatView::draw_input(chat_client::ChatClient& client) {
  const bool joined = client.model().connection_state() == ConnectionState::Joined;
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::BeginDisabled(!joined);
  const float button_width = ImGui::CalcTextSize("Send").x + style.FramePadding.x * 2.0f;
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - button_width - style.ItemSpacing.x);
  input_field(Field::Message, "##message", "Type a message, Enter to send", message_.data(), message_.size(), joined);
  ImGui::SameLine();
  const bool send = ImGui::Button("Send");
  ImGui::EndDisabled();

  // The button took the keyboard from the field: the buffer is up to date.
  if (send && joined && client.send_message(message_.data())) {
    message_[0] = '\0';
    log_scroll_.to_bottom();
  }
}

}  // namespace chat_web
