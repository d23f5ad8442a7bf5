#pragma once
// Everything the user does on the keyboard, in the order the page saw it:
// keys (Enter, Backspace, arrows, modifiers, shortcuts) and text (typed,
// composed by an IME, pasted). The page pushes; each frame the app hands the
// keys at the front to the UI, and the text field that is active in that very
// frame pulls the text at the front. Nothing overtakes anything else, so
// "abc⏎def" is "abc", then Enter, then "def", however fast it arrives.
//
// Why a key waits: Dear ImGui 1.86 samples key state once per frame, so one
// frame may carry only one press and one release of the same key; and inside
// a frame a text field applies characters before keys, so text never shares
// a frame with a key that came before it.

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace chat_client {

struct KeyEvent {
  int key = 0;  // the platform's key code (GLFW's in the browser)
  bool down = false;
  int mods = 0;
};

// What the UI does with the key at the front of the queue.
enum class KeyRoute {
  Deliver,      // hand it over now
  DeliverLast,  // hand it over, and nothing more this frame (Enter: the send happens late in the frame)
  Wait,         // not now: the field it is meant for is not active yet
  Drop,         // nothing on screen takes keys
};

class InputQueue {
 public:
  // A page that cannot keep up must not grow without bound: beyond this,
  // new input is refused (and the page says so to nobody: it is stuck anyway).
  static constexpr std::size_t kMaxEvents = 4096;
  static constexpr std::size_t kMaxTextBytes = 256 * 1024;

  bool push_key(KeyEvent key);
  bool push_text(std::string_view utf8);
  // The page lost the keyboard: every key still held is released, after
  // what is already queued.
  void release_held_keys();

  // Before each frame: hands the keys at the front to `deliver`, as `route`
  // decides, up to the first text. `text_wanted` is false when no screen
  // element takes text: text at the front is then dropped.
  void deliver_keys(const std::function<KeyRoute(const KeyEvent&)>& route,
                    const std::function<void(const KeyEvent&)>& deliver, bool text_wanted);
  // During the frame, by the text field that is active now: the run of text at
  // the front, or "" when a key went out this frame (it must act first).
  std::string take_text();
  // Puts text taken this frame back at the front: the field that took it
  // went away before it could use it.
  void untake_text(std::string text);

  bool empty() const { return events_.empty(); }
  std::size_t size() const { return events_.size(); }
  // Keys delivered down and not yet released (the UI repeats them while held).
  bool keys_held() const { return !held_.empty(); }

 private:
  struct Event {
    bool is_text = false;
    KeyEvent key;
    std::string text;
  };

  std::deque<Event> events_;
  std::size_t text_bytes_ = 0;
  std::vector<int> held_;  // delivered down, not yet up
  bool key_this_frame_ = false;
};

}  // namespace chat_client
