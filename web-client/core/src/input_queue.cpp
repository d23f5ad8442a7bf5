#include "chat_client/input_queue.hpp"

#include <algorithm>

namespace chat_client {

namespace {

bool contains(const std::vector<int>& keys, int key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); }

}  // namespace

bool InputQueue::push_key(KeyEvent key) {
  if (events_.size() >= kMaxEvents) return false;
  Event event;
  event.key = key;
  events_.push_back(std::move(event));
  return true;
}

bool InputQueue::push_text(std::string_view utf8) {
  if (utf8.empty()) return true;
  if (events_.size() >= kMaxEvents || text_bytes_ + utf8.size() > kMaxTextBytes) return false;
  // Consecutive text is one event: a fast typist's characters go out together.
  if (!events_.empty() && events_.back().is_text) {
    events_.back().text.append(utf8);
  } else {
    Event event;
    event.is_text = true;
    event.text = std::string(utf8);
    events_.push_back(std::move(event));
  }
  text_bytes_ += utf8.size();
  return true;
}

void InputQueue::release_held_keys() {
  // Keys still queued as down will be delivered, then released here.
  std::vector<int> down = held_;
  for (const Event& event : events_) {
    if (event.is_text) continue;
    if (event.key.down && !contains(down, event.key.key)) down.push_back(event.key.key);
    if (!event.key.down) down.erase(std::remove(down.begin(), down.end(), event.key.key), down.end());
  }
  for (int key : down) {
    Event event;
    event.key = KeyEvent{key, false, 0};
    events_.push_back(std::move(event));  // past the cap too: a stuck key is worse
  }
}

void InputQueue::deliver_keys(const std::function<KeyRoute(const KeyEvent&)>& route,
                              const std::function<void(const KeyEvent&)>& deliver, bool text_wanted) {
  key_this_frame_ = false;
  std::vector<int> pressed;   // this frame
  std::vector<int> released;  // this frame
  while (!events_.empty()) {
    Event& front = events_.front();
    if (front.is_text) {
      if (text_wanted) return;  // the field takes it during the frame
      text_bytes_ -= front.text.size();
      events_.pop_front();
      continue;
    }
    const KeyEvent key = front.key;
    // A release goes wherever its press went; one whose press was dropped (or
    // came before the page had the keyboard) changes nothing.
    KeyRoute verdict = KeyRoute::Deliver;
    if (key.down) {
      verdict = route(key);
    } else if (!contains(held_, key.key)) {
      verdict = KeyRoute::Drop;
    }
    if (verdict == KeyRoute::Wait) return;
    if (verdict == KeyRoute::Drop) {
      events_.pop_front();
      continue;
    }
    if (key.down && contains(released, key.key)) return;
    if (!key.down && contains(pressed, key.key)) return;
    (key.down ? pressed : released).push_back(key.key);
    if (key.down && !contains(held_, key.key)) held_.push_back(key.key);
    if (!key.down) held_.erase(std::remove(held_.begin(), held_.end(), key.key), held_.end());
    events_.pop_front();
    deliver(key);
    key_this_frame_ = true;
    if (verdict == KeyRoute::DeliverLast) return;
  }
}

std::string InputQueue::take_text() {
  if (key_this_frame_ || events_.empty() || !events_.front().is_text) return {};
  std::string text = std::move(events_.front().text);
  events_.pop_front();
  text_bytes_ -= text.size();
  return text;
}

void InputQueue::untake_text(std::string text) {
  if (text.empty()) return;
  text_bytes_ += text.size();
  if (!events_.empty() && events_.front().is_text) {
    events_.front().text.insert(0, text);
    return;
  }
  Event event;
  event.is_text = true;
  event.text = std::move(text);
  events_.push_front(std::move(event));
}

}  // namespace chat_client
