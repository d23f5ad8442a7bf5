#pragma once
// Small complete HTTP responses written straight to a CivetWeb connection.

#include <string>

struct mg_connection;

namespace chatd::transport {

void send_json(mg_connection* conn, int status, const std::string& body);
void send_text(mg_connection* conn, const std::string& body);  // 200, text/plain
void send_body(mg_connection* conn, int status, const char* content_type, const std::string& body);

// An error answer (JSON) to a WebSocket handshake, from CivetWeb's connect
// callback (where its response API is not available), closing the connection.
void reject_websocket_handshake(mg_connection* conn, int status, const std::string& body);

}  // namespace chatd::transport
