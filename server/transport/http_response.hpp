#pragma once
// Small complete HTTP responses written straight to a CivetWeb connection.

#include <string>

struct mg_connection;

namespace chatd::transport {

void send_json(mg_connection* conn, int status, const std::string& body);
// 200, text/plain; `set_cookie`, when not empty, is sent as a Set-Cookie header.
void send_text(mg_connection* conn, const std::string& body, const std::string& set_cookie = {});
void send_body(mg_connection* conn, int status, const char* content_type, const std::string& body,
               const std::string& set_cookie = {});

// An error answer (JSON) to a WebSocket handshake, from CivetWeb's connect
// callback (where its response API is not available), closing the connection.
void reject_websocket_handshake(mg_connection* conn, int status, const std::string& body);

}  // namespace chatd::transport
