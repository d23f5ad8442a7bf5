#include "attention.hpp"

#include <emscripten/emscripten.h>

#include <cstdlib>
#include <iterator>
#include <utility>

// The page's title as the HTML gives it (malloc'd UTF-8, freed by the caller).
// clang-format off
EM_JS(char*, chat_page_title, (), {
  var value = document.title || "Chat";
  var size = lengthBytesUTF8(value) + 1;
  var pointer = _malloc(size);
  stringToUTF8(value, pointer, size);
  return pointer;
});
// clang-format on

// clang-format off
EM_JS(void, chat_set_page_title, (const char* title), {
  document.title = UTF8ToString(title);
});
// clang-format on

// A message that arrived while the page was hidden: app.js shows a
// notification if the reader switched them on (and the page is still hidden).
// clang-format off
EM_JS(void, chat_attention_notify, (const char* from, const char* text), {
  if (window.chatAttention) window.chatAttention.notify(UTF8ToString(from), UTF8ToString(text));
});
// clang-format on

namespace chat_web {

void Attention::install() {
  char* raw = chat_page_title();
  base_title_ = raw != nullptr ? raw : "Chat";
  std::free(raw);
  shown_title_ = base_title_;
}

void Attention::update(const chat_client::ChatModel& model, bool visible, bool at_bottom) {
  const auto& lines = model.lines();
  if (!lines.empty() && lines.back().seq > looked_seq_) {
    auto first = lines.end();
    while (first != lines.begin() && std::prev(first)->seq > looked_seq_) --first;
    for (auto it = first; it != lines.end(); ++it) {
      if (unread_.add(*it, visible, at_bottom)) chat_attention_notify(it->from.c_str(), it->text.c_str());
    }
    looked_seq_ = lines.back().seq;
  }
  show_title();
}

void Attention::seen(bool visible, bool at_bottom) {
  unread_.seen(visible, at_bottom);
  show_title();
}

void Attention::show_title() {
  std::string title = unread_.title(base_title_);
  if (title == shown_title_) return;
  shown_title_ = std::move(title);
  chat_set_page_title(shown_title_.c_str());
}

}  // namespace chat_web
