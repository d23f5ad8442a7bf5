#include "transport/engineio_endpoint.hpp"

#include <civetweb.h>

#include <cstring>
#include <memory>

#include "codec/engineio_packet.hpp"
#include "codec/result.hpp"
#include "log/logger.hpp"
#include "transport/http_response.hpp"
#include "transport/polling_connection.hpp"
#include "transport/websocket_connection.hpp"

namespace chatd::transport {

namespace {

// Engine.IO's HTTP errors: {"code": n, "message": ...} with status 400.
constexpr const char* kTransportUnknown = R"({"code":0,"message":"Transport unknown"})";
constexpr const char* kUnknownSession = R"({"code":1,"message":"Session ID unknown"})";
constexpr const char* kBadHandshakeMethod = R"({"code":2,"message":"Bad handshake method"})";
constexpr const char* kBadRequest = R"({"code":3,"message":"Bad request"})";
constexpr const char* kForbidden =
    R"json({"code":4,"message":"Forbidden: this page's origin may not connect (see chatd --allowed-origins)"})json";
constexpr const char* kUnsupportedVersion = R"({"code":5,"message":"Unsupported protocol version"})";

// Requests of one client on two connections race each other; these bound how
// long one waits for the other (see PollingConnection).
constexpr std::chrono::milliseconds kUpgradeGrace{100};
constexpr std::chrono::milliseconds kCloseGrace{100};

struct EngineIoQuery {
  std::string transport;
  std::string sid;  // empty on a new session
};

// A request refused with an HTTP status and Engine.IO's JSON error body.
struct HttpRefusal {
  int status;
  std::string body;
};

// Reads EIO, transport and sid.
codec::Result<EngineIoQuery, HttpRefusal> read_query(const mg_request_info* info) {
  const char* query = info->query_string ? info->query_string : "";
  const std::size_t length = std::strlen(query);
  char value[64];
  if (mg_get_var(query, length, "EIO", value, sizeof value) <= 0 || std::string_view(value) != "4") {
    return HttpRefusal{400, kUnsupportedVersion};
  }
  EngineIoQuery parsed;
  if (mg_get_var(query, length, "transport", value, sizeof value) > 0) parsed.transport = value;
  if (parsed.transport != "websocket" && parsed.transport != "polling") return HttpRefusal{400, kTransportUnknown};
  const int sid_length = mg_get_var(query, length, "sid", value, sizeof value);
  // No buffer this big holds a real sid.
  if (sid_length == -2 || sid_length == -3) return HttpRefusal{400, kUnknownSession};
  if (sid_length > 0) parsed.sid = value;
  return parsed;
}

// Answers a long-polling request with the refusal; returns its status.
int refuse(mg_connection* conn, const HttpRefusal& refusal) {
  send_json(conn, refusal.status, refusal.body);
  return refusal.status;
}

std::string remote_address(const mg_connection* conn) { return mg_get_request_info(conn)->remote_addr; }

// A refused handshake, in the shape of Engine.IO's errors (as Node's
// engine.io answers a refusal by allowRequest: code 4 with a message).
std::string refusal_body(const std::string& reason) {
  return R"({"code":4,"message":")" + reason + R"("})";  // reasons are our own plain ASCII
}

EngineIoEndpoint& endpoint(void* self) { return *static_cast<EngineIoEndpoint*>(self); }

std::shared_ptr<WebSocketConnection>* connection_of(const mg_connection* conn) {
  return static_cast<std::shared_ptr<WebSocketConnection>*>(mg_get_user_connection_data(conn));
}

}  // namespace

void EngineIoEndpoint::mount(mg_context* context) {
  mg_set_websocket_handler(context, path_.c_str(), on_ws_connect, on_ws_ready, on_ws_data, on_ws_close, this);
  mg_set_request_handler(context, path_.c_str(), on_http, this);
}

// ---- WebSocket ------------------------------------------------------------------

bool EngineIoEndpoint::origin_allowed(const mg_connection* conn) const {
  const char* origin = mg_get_header(conn, "Origin");
  const char* host = mg_get_header(conn, "Host");
  if (origins_.allows(origin ? origin : "", host ? host : "")) return true;
  log::info("handshake refused: origin not allowed",
            {{"origin", origin}, {"remote", mg_get_request_info(conn)->remote_addr}});
  return false;
}

int EngineIoEndpoint::on_ws_connect(const mg_connection* conn, void* self) {
  auto* writable = const_cast<mg_connection*>(conn);  // CivetWeb lets us answer before the handshake
  const auto query = read_query(mg_get_request_info(conn));
  if (!query) {
    reject_websocket_handshake(writable, query.error().status, query.error().body);
    return 1;
  }
  if (query->transport != "websocket") {
    reject_websocket_handshake(writable, 400, kBadRequest);
    return 1;
  }
  if (!endpoint(self).origin_allowed(conn)) {
    reject_websocket_handshake(writable, 403, kForbidden);
    return 1;
  }
  return 0;
}

void EngineIoEndpoint::on_ws_ready(mg_connection* conn, void* self) {
  auto& engine = endpoint(self).engine_;
  auto connection = std::make_shared<WebSocketConnection>(conn, engine.config().max_payload);
  // The shared_ptr travels through CivetWeb's void* slot; freed in on_ws_close.
  mg_set_user_connection_data(conn, new std::shared_ptr<WebSocketConnection>(connection));
  // on_ws_connect has read the query already: a bad one never gets here.
  const auto query = read_query(mg_get_request_info(conn));
  if (!query || query->sid.empty()) {
    connection->session = engine.open(connection, /*upgradable=*/false, remote_address(conn));
    return;
  }
  // An upgrade: only a session that is still long-polling may take it. Like
  // Node's engine.io, a late or unknown one is accepted, then closed.
  auto session = engine.find(query->sid);
  if (!session || !std::dynamic_pointer_cast<PollingConnection>(session->sink())) {
    connection->close(eio::close_code::kPolicyViolation, "session unknown or already upgraded");
    return;
  }
  connection->upgrading = std::move(session);
}

// The upgrade dance: "2probe" -> "3probe", then "5" moves the session here.
void EngineIoEndpoint::continue_upgrade(WebSocketConnection& connection, std::string_view frame) {
  const auto polling = std::dynamic_pointer_cast<PollingConnection>(connection.upgrading->sink());
  if (!polling) {  // upgraded meanwhile by another WebSocket
    connection.upgrading.reset();
    return;
  }
  if (frame == "2probe") {
    connection.write_text("3probe");
    polling->probing();
    return;
  }
  if (frame != "5") return;  // nothing else is meaningful before the upgrade
  auto session = std::move(connection.upgrading);
  connection.upgrading.reset();
  polling->upgraded(connection.shared_from_this());
  session->replace_sink(connection.shared_from_this());
  log::debug("session upgraded", {{"sid", session->sid()}, {"transport", "websocket"}});
  connection.session = std::move(session);
}

void EngineIoEndpoint::deliver_message(WebSocketConnection& connection, bool binary, std::string_view message) {
  if (binary) {
    engine_.on_binary_frame(*connection.session, message);
  } else {
    engine_.on_text_frame(*connection.session, message);
  }
}

int EngineIoEndpoint::on_ws_data(mg_connection* conn, int bits, char* data, std::size_t length, void* self) {
  auto& server = endpoint(self);
  auto* holder = connection_of(conn);
  if (!holder) return 0;
  auto& connection = **holder;
  const int opcode = bits & 0x0F;
  const bool final_fragment = (bits & 0x80) != 0;
  if (opcode == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE) {
    // RFC 6455 5.5.1: a close frame is answered with one (echoing its code)
    // before the connection ends; CivetWeb would only drop the TCP connection.
    const auto code = length >= 2 ? static_cast<std::uint16_t>((static_cast<unsigned char>(data[0]) << 8) |
                                                               static_cast<unsigned char>(data[1]))
                                  : std::uint16_t{1000};
    connection.close(code, {});
    return 0;
  }
  if (opcode == MG_WEBSOCKET_OPCODE_PING || opcode == MG_WEBSOCKET_OPCODE_PONG) return 1;
  if (connection.upgrading) {
    if (opcode == MG_WEBSOCKET_OPCODE_TEXT) continue_upgrade(connection, std::string_view(data, length));
    return 1;
  }
  if (!connection.session) return 0;
  auto message = connection.take_frame(opcode, final_fragment, std::string_view(data, length));
  if (!message) {
    connection.session->close(message.error().close_code, message.error().reason);
  } else if (*message) {
    server.deliver_message(connection, (*message)->binary(), (*message)->bytes());
  }
  return 1;
}

void EngineIoEndpoint::on_ws_close(const mg_connection* conn, void* self) {
  auto* holder = connection_of(conn);
  if (!holder) return;
  (*holder)->detach();
  if ((*holder)->session) endpoint(self).engine_.on_transport_closed(*(*holder)->session);
  (*holder)->session.reset();
  (*holder)->upgrading.reset();
  delete holder;
}

// ---- HTTP long-polling --------------------------------------------------------------

int EngineIoEndpoint::on_http(mg_connection* conn, void* self) {
  auto& server = endpoint(self);
  const auto* info = mg_get_request_info(conn);
  const auto query = read_query(info);
  if (!query) return refuse(conn, query.error());
  if (!server.origin_allowed(conn)) return refuse(conn, {403, kForbidden});
  const std::string_view method = info->request_method ? info->request_method : "";
  // A WebSocket URL without the upgrade headers.
  if (query->transport != "polling") return refuse(conn, {400, kBadRequest});
  if (query->sid.empty()) {
    if (method != "GET") return refuse(conn, {400, kBadHandshakeMethod});
    return server.open_polling_session(conn);
  }
  const auto session = server.engine_.find(query->sid);
  const auto polling = session ? std::dynamic_pointer_cast<PollingConnection>(session->sink()) : nullptr;
  // Unknown, or upgraded to WebSocket already.
  if (!polling) return refuse(conn, {400, session ? kBadRequest : kUnknownSession});
  if (server.engine_.pong_overdue(*session)) {
    polling->close(eio::close_code::kPolicyViolation, "ping timeout");
    return refuse(conn, {400, kUnknownSession});
  }
  if (method == "GET") return server.poll(conn, *polling);
  if (method == "POST") return server.receive_payload(conn, *session, *polling);
  return refuse(conn, {400, kBadRequest});
}

int EngineIoEndpoint::open_polling_session(mg_connection* conn) {
  // Refused before a session exists: long-polling can say why in the HTTP
  // answer. (open() checks again; a race it loses ends in a close packet.)
  std::string address = remote_address(conn);
  if (const auto admitted = engine_.admit(address); !admitted) {
    const auto& refusal = admitted.error();
    return refuse(conn, {refusal.kind == eio::EngineIoServer::Refusal::Kind::ServerFull ? 503 : 429,
                         refusal_body(refusal.reason)});
  }
  auto polling = std::make_shared<PollingConnection>(engine_.config().max_queued_bytes);
  auto session = engine_.open(polling, /*upgradable=*/true, std::move(address));
  // With no socket whose end would tell, the session ends when it is closed.
  polling->set_on_closed([this, weak = std::weak_ptr<eio::Session>(session)] {
    if (auto owned = weak.lock()) engine_.on_transport_closed(*owned);
  });
  return poll(conn, *polling);
}

int EngineIoEndpoint::poll(mg_connection* conn, PollingConnection& polling) {
  // Pings arrive every pingInterval, so a GET normally ends with data before this.
  const auto wait = engine_.config().ping_interval + engine_.config().ping_timeout;
  auto result = polling.poll(wait, kUpgradeGrace);
  switch (result.outcome) {
    case PollingConnection::PollResult::Outcome::Overlapping:
      // Two GETs at once break the protocol: end the session, as Engine.IO
      // does (the waiting GET gets the close packet).
      polling.close(eio::close_code::kProtocolError, "overlapping GET requests");
      return refuse(conn, {400, kBadRequest});
    case PollingConnection::PollResult::Outcome::Upgraded: return refuse(conn, {400, kBadRequest});
    case PollingConnection::PollResult::Outcome::Payload: break;
  }
  send_text(conn, result.payload);
  return 200;
}

int EngineIoEndpoint::receive_payload(mg_connection* conn, eio::Session& session, PollingConnection& polling) {
  const auto* info = mg_get_request_info(conn);
  const std::size_t max_payload = engine_.config().max_payload;
  if (info->content_length < 0 || static_cast<std::size_t>(info->content_length) > max_payload) {
    // Engine.IO closes a session that sends more than maxPayload.
    polling.close(eio::close_code::kTooBig, "payload exceeds maxPayload");
    return refuse(conn, {413, R"({"code":3,"message":"Payload too large"})"});
  }
  std::string body(static_cast<std::size_t>(info->content_length), '\0');
  std::size_t received = 0;
  while (received < body.size()) {
    const int n = mg_read(conn, body.data() + received, body.size() - received);
    if (n <= 0) break;
    received += static_cast<std::size_t>(n);
  }
  body.resize(received);
  auto packets = ::codec::eio::decode_payload(body, max_payload);
  if (!packets) {
    // Closed at once, so that the next request already finds no session.
    polling.close(eio::close_code::kProtocolError, packets.error().reason);
    return refuse(conn, {400, kBadRequest});
  }
  for (const auto& packet : *packets) {
    if (packet.type == ::codec::eio::PacketType::Close) polling.wait_for_poller(kCloseGrace);
    engine_.on_packet(session, packet);
  }
  send_text(conn, "ok");
  return 200;
}

}  // namespace chatd::transport
