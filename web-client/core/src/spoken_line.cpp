#include "chat_client/spoken_line.hpp"

namespace chat_client {

std::optional<std::string> spoken_line(const ChatLine& line) {
  if (line.history) return std::nullopt;
  switch (line.kind) {
    case LineKind::Message:
      if (line.own) return std::nullopt;
      return line.from + ": " + line.text;
    case LineKind::Announcement:
    case LineKind::System:
    case LineKind::Error: return line.text;
  }
  return std::nullopt;
}

}  // namespace chat_client
