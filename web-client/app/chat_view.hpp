#pragma once
// Draws the model with Dear ImGui and turns the user's input into calls on
// the client; it keeps no chat state of its own beyond the input buffers.
// Screens: connecting overlay, nickname prompt, chat (log + Online list).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "browser_input.hpp"
#include "chat_client/chat_client.hpp"
#include "chat_client/input_limits.hpp"
#include "chat_client/input_queue.hpp"
#include "chat_client/log_scroll.hpp"
#include "chat_log_layout.hpp"
#include "context_menu.hpp"
#include "font_atlas.hpp"
#include "gesture_targets.hpp"

namespace chat_web {

class ChatView {
 public:
  void draw(chat_client::ChatClient& client, FontAtlas& fonts, chat_client::InputQueue& input, float scale,
            std::int64_t now_ms);
  // True when the screen drawn last has a text field (the page then keeps
  // its text input focused, so no keystroke is lost while ImGui activates it).
  bool has_text_field() const { return has_text_field_; }
  // What the page's copy (Ctrl+C) takes: the message picked by a click in
  // the log, else the text selected in the active field ("" when none).
  const std::string& selection() const { return picked_text_.empty() ? selection_ : picked_text_; }

  // Before the frame, for each key at the front of the input queue: where it
  // goes (InputQueue::deliver_keys), then whether ImGui gets it (true) or the
  // view took it as a command (Enter sends; false).
  chat_client::KeyRoute route_key(const chat_client::ChatClient& client, const chat_client::KeyEvent& key) const;
  bool take_key(const chat_client::ChatClient& client, const chat_client::KeyEvent& key);
  // Before the frame: a wheel turn or a finger, which scroll the log when
  // they are over it.
  void on_wheel(const WheelInput& wheel);
  void on_touch(const TouchInput& touch);
  // Before the frame: a right click or a long press at (x, y), canvas
  // pixels (www/app.js tells them apart from scrolling): the menu of what is there.
  void on_context_menu(float x, float y) { menu_.request(ImVec2(x, y)); }
  // Whether a right click or a long press at (x, y) would open a menu, by
  // the last frame's layout: www/app.js times a long press only there, so
  // that a tap elsewhere (the "new messages" button) stays a plain tap even
  // on a page too busy to see the finger lift before the long press's time.
  bool has_menu_at(const chat_client::ChatModel& model, float x, float y) const {
    return !menu_items_at(model, ImVec2(x, y)).empty();
  }
  void close_menu() { menu_.close(); }
  // Before draw(): the line the "new messages" divider goes above
  // (ChatLine::seq; 0: none). Where it was drawn in the last frame: its
  // screen y (canvas pixels), or a negative number when not on screen.
  void set_divider(std::uint64_t seq) { divider_seq_ = seq; }
  float divider_y() const { return divider_y_; }
  // Where the log is scrolled (for the page's read-only test state).
  const chat_client::LogScroll& log_scroll() const { return log_scroll_; }
  // The line at the top of the log in the last frame: its server id (0: none
  // or not a stored message), and how many pixels of it are scrolled off.
  std::int64_t top_line_id() const { return top_line_id_; }
  float top_line_hidden() const { return top_line_hidden_; }
  // Screen rectangles (canvas pixels) of the log and of the "new messages"
  // button (empty when not shown), as drawn in the last frame.
  std::array<float, 4> log_rect() const { return {log_min_.x, log_min_.y, log_max_.x, log_max_.y}; }
  std::array<float, 4> unread_button_rect() const {
    return {button_min_.x, button_min_.y, button_max_.x, button_max_.y};
  }
  // When what the last frame drew changes by itself (the "Connecting..."
  // dots, a countdown), on emscripten_date_now's clock; none when nothing on
  // screen moves with time.
  std::optional<std::int64_t> next_change_ms() const { return next_change_ms_; }
  // The log's rows drawn in the last frame: where each row's text starts
  // (screen pixels, the line's top) and the text, so that a test can find
  // each glyph on screen (the page's read-only test state).
  struct DrawnRow {
    float x = 0.0f;
    float y = 0.0f;
    std::string text;
    std::uint64_t seq = 0;  // its line's ChatLine::seq
  };
  const std::vector<DrawnRow>& drawn_rows() const { return drawn_rows_; }
  // Whether the screen due now has a text field (text waits for it; else it is dropped).
  static bool takes_text(const chat_client::ChatClient& client);

 private:
  enum class Field { None, Nickname, Message };
  // One text field of the view, drawn with the queue's text and Enter.
  bool input_field(Field field, const char* label, const char* hint, char* buffer, std::size_t size, bool enabled);
  static int on_field_callback(ImGuiInputTextCallbackData* data);
  Field active_field() const;

  void draw_connecting(const chat_client::ChatModel& model, std::int64_t now_ms);
  void draw_nickname_prompt(chat_client::ChatClient& client);
  void draw_chat(chat_client::ChatClient& client, std::int64_t now_ms);
  void draw_status_banner(const chat_client::ChatModel& model, std::int64_t now_ms);
  void draw_log(const chat_client::ChatModel& model, ImVec2 size);
  void draw_unread_button();
  void draw_divider(ImDrawList* list, float y);
  bool scroll_key_for_log(const chat_client::ChatClient& client, int key) const;
  void draw_online(const chat_client::ChatModel& model);
  void draw_input(chat_client::ChatClient& client);
  std::vector<ContextMenu::Item> menu_items_at(const chat_client::ChatModel& model, ImVec2 point) const;
  const chat_client::ChatLine* line_at(const chat_client::ChatModel& model, ImVec2 point) const;
  void request_new_glyphs(const chat_client::ChatModel& model, FontAtlas& fonts);
  void changes_at(std::int64_t time_ms);
  void countdown_changes(const chat_client::ChatModel& model, std::int64_t now_ms);

  chat_client::ChatClient* client_ = nullptr;  // during draw()
  chat_client::InputQueue* input_ = nullptr;   // during draw()
  FontAtlas* fonts_ = nullptr;                 // during draw()
  float scale_ = 1.0f;
  ImGuiID nickname_id_ = 0;
  ImGuiID message_id_ = 0;
  Field submit_ = Field::None;   // Enter arrived for this field: the callback sends
  Field drawing_ = Field::None;  // the field whose callback runs
  std::string insert_;           // text from the queue, inserted by the callback
  std::string selection_;
  ChatLogLayout layout_;
  chat_client::LogScroll log_scroll_;
  ImVec2 log_min_{0.0f, 0.0f};  // the log's rectangle in the last frame, screen pixels
  ImVec2 log_max_{0.0f, 0.0f};
  ImVec2 button_min_{0.0f, 0.0f};  // the "new messages" button, when shown
  ImVec2 button_max_{0.0f, 0.0f};
  bool scrollbar_held_ = false;  // the reader drags the log's scrollbar
  float scrollbar_offset_ = 0.0f;
  bool log_focused_ = false;     // the last click went into the log: Home and End scroll it
  bool log_touched_ = false;     // the finger down started on the log
  std::vector<int> log_keys_;    // scroll keys pressed for the log, not yet released
  std::uint64_t front_seq_ = 0;  // the first line's seq in the last frame
  std::uint64_t last_seq_ = 0;   // the newest line counted for the unread button
  std::uint64_t glyphs_checked_seq_ = 0;
  std::uint64_t glyphs_front_seq_ = 0;  // older history put in front is checked from here down
  std::int64_t top_line_id_ = 0;
  float top_line_hidden_ = 0.0f;
  bool prompt_shown_ = false;  // the nickname field starts empty each time the prompt appears
  bool has_text_field_ = false;
  std::uint64_t divider_seq_ = 0;
  float divider_y_ = -1.0f;
  std::optional<std::int64_t> next_change_ms_;
  std::array<char, chat_client::kNicknameFieldBytes> nickname_{};
  std::array<char, chat_client::kMessageFieldBytes> message_{};
  std::vector<DrawnRow> drawn_rows_;  // the log's rows in the last frame
  GestureTargets targets_;            // links and menu items drawn this frame
  ContextMenu menu_;
  std::uint64_t picked_seq_ = 0;  // the message a click in the log picked (0: none), highlighted
  std::string picked_text_;       // its text, for Ctrl+C
  ImVec2 field_min_{0.0f, 0.0f};  // the message field in the last frame, screen pixels
  ImVec2 field_max_{0.0f, 0.0f};
};

}  // namespace chat_web
