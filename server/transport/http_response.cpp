#include "transport/http_response.hpp"

#include <civetweb.h>

#include <string>

#include "transport/security_headers.hpp"

namespace chatd::transport {

// Through CivetWeb's response API, so that it knows the length and can keep
// the connection alive for the client's next request (long-polling reuses it).
void send_body(mg_connection* conn, int status, const char* content_type, const std::string& body) {
  const std::string length = std::to_string(body.size());
  mg_response_header_start(conn, status);
  mg_response_header_add(conn, "Content-Type", content_type, -1);
  mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  for (const auto& header : kApiHeaders) mg_response_header_add(conn, header.name, header.value, -1);
  mg_response_header_send(conn);
  mg_write(conn, body.data(), body.size());
}

void send_json(mg_connection* conn, int status, const std::string& body) {
  send_body(conn, status, "application/json", body);
}

void send_text(mg_connection* conn, const std::string& body) {
  send_body(conn, 200, "text/plain; charset=UTF-8", body);
}

void reject_websocket_handshake(mg_connection* conn, int status, const std::string& body) {
  static const std::string headers = header_lines(kApiHeaders);
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: %zu\r\n"
            "%s\r\n"
            "Connection: close\r\n\r\n",
            status, mg_get_response_code_text(conn, status), body.size(), headers.c_str());
  mg_write(conn, body.data(), body.size());
}

}  // namespace chatd::transport
