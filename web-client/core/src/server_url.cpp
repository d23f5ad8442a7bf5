#include "chat_client/server_url.hpp"

namespace chat_client {

std::string make_socket_url(std::string_view page_protocol, std::string_view host) {
  const bool secure = page_protocol == "https:" || page_protocol == "https";
  std::string url = secure ? "wss://" : "ws://";
  url += host;
  url += "/socket.io/?EIO=4&transport=websocket";
  return url;
}

}  // namespace chat_client
