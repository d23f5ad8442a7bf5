#pragma once
// The web links in a message's text: where each http:// or https:// URL
// starts and ends, so that the view can draw it as a link and the page can
// open it. Only these two schemes are ever found (never javascript:, data:
// or file:), so nothing a sender writes can make a click run script.
//
// Works on any bytes: invalid UTF-8, control characters and whitespace end a
// link; punctuation that usually closes the sentence around a link ("see
// https://example.com." or "(https://example.com)") is left out of it, while
// parentheses inside it (https://en.wikipedia.org/wiki/C_(language)) stay.

#include <cstddef>
#include <string_view>
#include <vector>

namespace chat_client {

// A byte range [begin, end) of the text; begin is at "http://" or "https://".
struct LinkSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const LinkSpan&) const = default;
};

// Every link in `utf8`, in order, none overlapping.
std::vector<LinkSpan> find_web_links(std::string_view utf8);

// True when `url` is one whole link by find_web_links: what the page may
// open in a new tab.
bool is_web_link(std::string_view url);

}  // namespace chat_client
