#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "chat_client/input_queue.hpp"

using chat_client::InputQueue;
using chat_client::KeyEvent;
using chat_client::KeyRoute;

namespace {

constexpr int kEnter = 257;
constexpr int kBackspace = 259;
constexpr int kShift = 340;

// A UI with one text field: it records what reaches it, frame by frame, in
// the order a field sees it (the frame's keys, then the text it pulls).
struct Field {
  bool on_screen = true;
  bool active = true;
  std::vector<std::string> seen;  // "down:257", "up:257", "text:abc", "frame"

  void frame(InputQueue& queue) {
    seen.push_back("frame");
    queue.deliver_keys(
        [&](const KeyEvent& key) { return route(key); },
        [&](const KeyEvent& key) { seen.push_back((key.down ? "down:" : "up:") + std::to_string(key.key)); },
        on_screen);
    if (active) {
      const std::string text = queue.take_text();
      if (!text.empty()) seen.push_back("text:" + text);
    }
  }
  KeyRoute route(const KeyEvent& key) const {
    if (!on_screen) return KeyRoute::Drop;
    if (!active) return KeyRoute::Wait;
    return key.key == kEnter ? KeyRoute::DeliverLast : KeyRoute::Deliver;
  }
  void frames(InputQueue& queue, int count) {
    for (int i = 0; i < count; ++i) frame(queue);
  }
  // What reached the field, without the frame marks.
  std::vector<std::string> events() const {
    std::vector<std::string> out;
    for (const auto& item : seen) {
      if (item != "frame") out.push_back(item);
    }
    return out;
  }
};

void type(InputQueue& queue, const std::string& text) { REQUIRE(queue.push_text(text)); }
void press(InputQueue& queue, int key) {
  REQUIRE(queue.push_key(KeyEvent{key, true, 0}));
  REQUIRE(queue.push_key(KeyEvent{key, false, 0}));
}

}  // namespace

TEST_CASE("text and keys reach the field in the order they were typed", "[input]") {
  InputQueue queue;
  Field field;
  type(queue, "abc");
  press(queue, kEnter);
  type(queue, "d");
  type(queue, "ef");
  press(queue, kEnter);
  field.frames(queue, 10);
  CHECK(field.events() == std::vector<std::string>{"text:abc", "down:257", "up:257", "text:def", "down:257", "up:257"});
  CHECK(queue.empty());
}

TEST_CASE("text never shares a frame with a key that came before it", "[input]") {
  InputQueue queue;
  Field field;
  press(queue, kBackspace);
  type(queue, "x");
  field.frame(queue);
  // The press went out; the release and the text wait for later frames.
  CHECK(field.seen == std::vector<std::string>{"frame", "down:259"});
  field.frame(queue);
  CHECK(field.seen.back() == "up:259");
  field.frame(queue);
  CHECK(field.seen.back() == "text:x");
}

TEST_CASE("one press and one release of a key per frame, so that fast repeats are not merged", "[input]") {
  InputQueue queue;
  Field field;
  for (int i = 0; i < 3; ++i) press(queue, kBackspace);
  field.frames(queue, 20);
  const auto events = field.events();
  CHECK(std::count(events.begin(), events.end(), "down:259") == 3);
  CHECK(std::count(events.begin(), events.end(), "up:259") == 3);
  // Between two frame marks, never two presses of the same key.
  int presses_in_frame = 0;
  for (const auto& item : field.seen) {
    if (item == "frame") presses_in_frame = 0;
    if (item == "down:259") CHECK(++presses_in_frame == 1);
  }
}

TEST_CASE("a modifier held around a key goes out with it", "[input]") {
  InputQueue queue;
  Field field;
  REQUIRE(queue.push_key(KeyEvent{kShift, true, 1}));
  REQUIRE(queue.push_key(KeyEvent{263, true, 1}));  // Shift+Left
  REQUIRE(queue.push_key(KeyEvent{263, false, 1}));
  REQUIRE(queue.push_key(KeyEvent{kShift, false, 0}));
  field.frame(queue);
  CHECK(field.seen == std::vector<std::string>{"frame", "down:340", "down:263"});
  field.frame(queue);
  CHECK(field.seen.back() == "up:340");
  CHECK(queue.empty());
}

TEST_CASE("Enter ends the frame's keys: what follows waits for the next frame", "[input]") {
  InputQueue queue;
  Field field;
  REQUIRE(queue.push_key(KeyEvent{kEnter, true, 0}));
  REQUIRE(queue.push_key(KeyEvent{kBackspace, true, 0}));
  field.frame(queue);
  CHECK(field.seen == std::vector<std::string>{"frame", "down:257"});
  field.frame(queue);
  CHECK(field.seen.back() == "down:259");
}

TEST_CASE("while the field is not active yet, everything waits; nothing is lost", "[input]") {
  InputQueue queue;
  Field field;
  field.active = false;
  type(queue, "nick");
  press(queue, kEnter);
  type(queue, "hello");
  field.frames(queue, 5);
  CHECK(field.events().empty());
  CHECK(queue.size() == 4);
  field.active = true;
  field.frames(queue, 6);
  CHECK(field.events() == std::vector<std::string>{"text:nick", "down:257", "up:257", "text:hello"});
}

TEST_CASE("with no field on screen, text and keys are dropped instead of piling up", "[input]") {
  InputQueue queue;
  Field field;
  field.on_screen = false;
  type(queue, "lost");
  press(queue, kEnter);
  field.frame(queue);
  CHECK(queue.empty());
  CHECK(field.events().empty());
  field.on_screen = true;
  type(queue, "kept");
  field.frame(queue);
  CHECK(field.events() == std::vector<std::string>{"text:kept"});
}

TEST_CASE("a release whose press was never delivered is dropped", "[input]") {
  InputQueue queue;
  Field field;
  REQUIRE(queue.push_key(KeyEvent{kEnter, false, 0}));
  type(queue, "a");
  field.frame(queue);
  CHECK(field.events() == std::vector<std::string>{"text:a"});
}

TEST_CASE("losing the keyboard releases every held key, after what is queued", "[input]") {
  InputQueue queue;
  Field field;
  REQUIRE(queue.push_key(KeyEvent{kShift, true, 1}));
  field.frame(queue);
  CHECK(queue.keys_held());
  REQUIRE(queue.push_key(KeyEvent{kBackspace, true, 1}));  // still queued, down
  queue.release_held_keys();
  field.frames(queue, 5);
  const auto events = field.events();
  CHECK(std::count(events.begin(), events.end(), "up:340") == 1);
  CHECK(std::count(events.begin(), events.end(), "up:259") == 1);
  CHECK_FALSE(queue.keys_held());
}

TEST_CASE("the queue is bounded", "[input]") {
  InputQueue queue;
  for (std::size_t i = 0; i < InputQueue::kMaxEvents; ++i) {
    REQUIRE(queue.push_key(KeyEvent{static_cast<int>(i % 2 ? kEnter : kBackspace), true, 0}));
  }
  CHECK_FALSE(queue.push_key(KeyEvent{kEnter, false, 0}));
  InputQueue text;
  CHECK(text.push_text(std::string(InputQueue::kMaxTextBytes, 'a')));
  CHECK_FALSE(text.push_text("b"));
}

TEST_CASE("2,000 characters with 20 Enters arrive as 20 messages, exactly", "[input]") {
  InputQueue queue;
  Field field;
  std::vector<std::string> typed;
  for (int m = 0; m < 20; ++m) {
    std::string message;
    for (int c = 0; c < 100; ++c) message += static_cast<char>('a' + (m + c) % 26);
    typed.push_back(message);
    // One character at a time, as a browser's input events come.
    for (char c : message) type(queue, std::string(1, c));
    press(queue, kEnter);
  }
  // Frames come now and then while the input pours in; here, all at the end.
  std::vector<std::string> sent;
  std::string buffer;
  for (int i = 0; i < 200 && !queue.empty(); ++i) {
    queue.deliver_keys([&](const KeyEvent& key) { return field.route(key); },
                       [&](const KeyEvent& key) {
                         if (key.key == kEnter && key.down) {
                           sent.push_back(buffer);
                           buffer.clear();
                         }
                       },
                       true);
    buffer += queue.take_text();
  }
  CHECK(sent == typed);
}
