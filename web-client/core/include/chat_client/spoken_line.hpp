#pragma once
// What a screen reader hears of a line that has just been added to the log
// (the page mirrors it into an aria-live region): others' messages as
// "alice: hello", announcements ("bob connected") and the client's own
// notices (disconnected, reconnecting, errors) as they are. Nothing for the
// reader's own messages (they typed them) and nothing for history replayed
// on joining (a hundred old messages read out at once would drown the rest).

#include <optional>
#include <string>

#include "chat_client/chat_line.hpp"

namespace chat_client {

std::optional<std::string> spoken_line(const ChatLine& line);

}  // namespace chat_client
