#pragma once
// What a one-line text field accepts from the page (typed, composed, pasted):
// line breaks and tabs become spaces, other control characters go, invalid
// UTF-8 becomes U+FFFD. Every other Unicode scalar value passes unchanged,
// emoji sequences, private-use and astral characters included, so a
// message reaches the server exactly as it was typed.

#include <string>
#include <string_view>

namespace chat_client {

std::string single_line_text(std::string_view utf8);

}  // namespace chat_client
