#pragma once
// The Socket.IO WebSocket address on the page's own origin.

#include <string>
#include <string_view>

namespace chat_client {

// `page_protocol` is location.protocol ("http:" or "https:"), `host` is
// location.host ("example.org:8080"). https pages must use wss.
std::string make_socket_url(std::string_view page_protocol, std::string_view host);

}  // namespace chat_client
