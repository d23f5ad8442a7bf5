#pragma once
// Draws the model with Dear ImGui and turns the user's input into calls on
// the client; it keeps no chat state of its own beyond the input buffers.
// Screens: connecting overlay, nickname prompt, chat (log + Online list).

#include <array>
#include <cstdint>

#include <imgui.h>

#include "chat_client/chat_client.hpp"
#include "chat_client/input_limits.hpp"
#include "chat_log_layout.hpp"
#include "font_atlas.hpp"

namespace chat_web {

class ChatView {
 public:
  void draw(chat_client::ChatClient& client, FontAtlas& fonts, float scale, std::int64_t now_ms);
  // True when the screen drawn last has a text field (the page then keeps
  // its text input focused, so no keystroke is lost while ImGui activates it).
  bool has_text_field() const { return has_text_field_; }

 private:
  void draw_connecting(const chat_client::ChatModel& model, std::int64_t now_ms);
  void draw_nickname_prompt(chat_client::ChatClient& client, FontAtlas& fonts);
  void draw_chat(chat_client::ChatClient& client, FontAtlas& fonts, std::int64_t now_ms);
  void draw_status_banner(const chat_client::ChatModel& model, std::int64_t now_ms);
  void draw_log(const chat_client::ChatModel& model);
  void draw_online(const chat_client::ChatModel& model);
  void draw_input(chat_client::ChatClient& client, FontAtlas& fonts);
  void request_new_glyphs(const chat_client::ChatModel& model, FontAtlas& fonts);

  float scale_ = 1.0f;
  ChatLogLayout layout_;
  std::size_t seen_rows_ = 0;
  std::uint64_t glyphs_checked_seq_ = 0;
  bool force_scroll_ = false;  // our own message: show it even when scrolled up
  bool prompt_shown_ = false;  // the nickname field starts empty each time the prompt appears
  bool has_text_field_ = false;
  std::array<char, chat_client::kNicknameFieldBytes> nickname_{};
  std::array<char, chat_client::kMessageFieldBytes> message_{};
};

}  // namespace chat_web
