#include "chat_client/chat_line.hpp"

namespace chat_client {

std::string_view to_string(LineKind kind) {
  switch (kind) {
    case LineKind::Message: return "message";
    case LineKind::Announcement: return "announcement";
    case LineKind::System: return "system";
    case LineKind::Error: return "error";
  }
  return "unknown";
}

std::string_view to_string(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::None: return "none";
    case DeliveryStatus::Pending: return "pending";
    case DeliveryStatus::Confirmed: return "confirmed";
    case DeliveryStatus::Failed: return "failed";
  }
  return "unknown";
}

}  // namespace chat_client
